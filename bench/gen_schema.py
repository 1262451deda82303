#!/usr/bin/env python3
"""Deterministic generator of large, realistic PostgreSQL 15 schemas for schemac benchmarks.

    python3 bench/gen_schema.py --tables N --seed S --version 1|2 --out DIR [--changelog FILE]

Writes DIR/*.sql: one file with schemas, enum types and sequences, then the tables in files of
about 100 tables each. The files apply cleanly to an empty database when concatenated in sorted
path order. Version 2 is version 1 (same seed) with realistic in-place changes to about 10% of the
tables, enums and sequences, a few new tables in a new schema, and one dropped table; --changelog
lists them. The output depends only on the arguments (Python standard library only, no hash
randomisation: every choice comes from a random.Random seeded with a fixed string).

The feature mix stays inside schemac's IR: schemas, tables (UNLOGGED, fillfactor), columns of
common types, COLLATE "C", NOT NULL, defaults, identity, serial, stored generated columns, PRIMARY
KEY / UNIQUE (NULLS NOT DISTINCT, INCLUDE) / CHECK (NOT VALID, NO INHERIT) / FOREIGN KEY (actions,
MATCH FULL, DEFERRABLE, SET NULL (col), composite, self-reference, cycles), indexes (unique,
btree / hash / gin / gist / brin, expressions, partial, DESC NULLS LAST, INCLUDE, opclasses,
COLLATE, storage parameters), sequences (options, OWNED BY), enums, comments, and names that need
quoting.
"""

import argparse
import os
import random
import re
import sys

TABLES_PER_FILE = 100

# PostgreSQL 15 keywords that cannot be used as bare column or table names (reserved and
# type_func_name keywords, plus col_name keywords we might generate). Names in this set are quoted.
RESERVED = set("""
all analyse analyze and any array as asc asymmetric authorization binary both case cast check
collate collation column concurrently constraint create cross current_catalog current_date
current_role current_schema current_time current_timestamp current_user default deferrable desc
distinct do else end except false fetch for foreign freeze from full grant group having ilike in
initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary
references returning right select session_user similar some symmetric table tablesample then to
trailing true union unique user using variadic verbose when where window with
between bigint bit boolean char character coalesce dec decimal exists extract float greatest
grouping inout int integer interval least national nchar none normalize nullif numeric out
overlay position precision real row setof smallint substring time timestamp treat trim values
varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi
xmlroot xmlserialize xmltable
""".split())


def q(name):
    """Quotes an identifier when PostgreSQL needs it to keep the name as written."""
    if re.fullmatch(r"[a-z_][a-z0-9_]*", name) and name not in RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def qn(schema, name):
    return f"{q(schema)}.{q(name)}"


def lit(text):
    return "'" + text.replace("'", "''") + "'"


def trunc63(name, limit=63):
    """Cuts a name to `limit` bytes without splitting a UTF-8 character."""
    raw = name.encode()
    if len(raw) <= limit:
        return name
    raw = raw[:limit]
    while True:
        try:
            return raw.decode()
        except UnicodeDecodeError:
            raw = raw[:-1]


NOUNS = """
accounts customers orders order_items invoices invoice_lines payments refunds products variants
categories suppliers warehouses stock_levels shipments carriers addresses contacts leads
opportunities campaigns emails deliveries subscriptions plans coupons tickets ticket_replies
agents teams projects tasks milestones documents folders files comments reactions notifications
devices sessions audit_entries api_tokens webhooks webhook_attempts feature_toggles experiments
metrics reports dashboards widgets schedules reservations rooms locations events attendees
surveys responses questions answers courses lessons enrollments grades vendors contracts assets
maintenance_jobs work_orders time_entries expenses budgets ledgers journal_entries tax_codes
currencies exchange_rates price_lists discounts returns reviews wishlists carts cart_items
""".split()

SCHEMA_WORDS = """sales billing inventory crm support content analytics hr finance ops logistics
catalog identity messaging scheduling""".split()

ENUM_WORDS = {
    "status": ["pending", "active", "paused", "archived", "deleted"],
    "priority": ["low", "normal", "high", "urgent"],
    "channel": ["email", "sms", "push", "webhook", "in_app"],
    "visibility": ["private", "team", "account", "public"],
    "stage": ["new", "qualified", "proposal", "negotiation", "won", "lost"],
    "severity": ["debug", "info", "notice", "warning", "error", "critical"],
    "kind": ["standard", "express", "overnight", "pickup"],
    "approval": ["draft", "submitted", "approved", "rejected"],
}

COLUMN_WORDS = {
    "text": ["name", "title", "description", "notes", "label", "body", "summary", "address_line"],
    "varchar": ["code", "email", "slug", "reference", "external_ref", "phone", "city", "sku"],
    "char": ["country_code", "currency", "color_hex", "lang"],
    "smallint": ["priority_level", "retries", "rating", "weekday"],
    "integer": ["quantity", "position", "version", "score", "attempts", "duration_seconds"],
    "bigint": ["bytes_used", "views", "sequence_no", "external_number"],
    "numeric": ["amount", "price", "balance", "rate", "weight_kg", "discount"],
    "boolean": ["is_active", "is_archived", "enabled", "verified", "is_public"],
    "timestamptz": ["created_at", "updated_at", "deleted_at", "expires_at", "processed_at",
                    "started_at", "finished_at"],
    "timestamp": ["scheduled_local", "imported_local"],
    "date": ["due_date", "valid_from", "valid_to", "birth_date", "period_start"],
    "time": ["opens_at_local", "closes_at_local"],
    "uuid": ["external_id", "request_id", "public_id", "correlation_id"],
    "jsonb": ["metadata", "settings", "payload", "attributes"],
    "json": ["raw_payload", "raw_headers"],
    "bytea": ["checksum", "signature", "thumbnail"],
    "inet": ["client_ip", "origin_ip"],
    "text[]": ["tags", "aliases", "keywords"],
    "integer[]": ["scores", "slot_ids"],
}
# Names needing quotes, used now and then instead of a word from COLUMN_WORDS.
ODD_COLUMN_NAMES = {
    "text": ["user", "Display Name", "größe_label"],
    "integer": ["order", "Position", "größe"],
    "varchar": ["group", "prénom", "Ref Code"],
    "timestamptz": ["Created At", "end"],
}

FK_ACTIONS = ["NO ACTION", "RESTRICT", "CASCADE", "SET NULL"]


class Gen:
    """Builds the version-1 model. All randomness comes from self.r."""

    def __init__(self, n_tables, seed):
        self.r = random.Random(f"schemac-bench/{seed}/v1")
        self.n = n_tables
        self.schemas = []      # dicts: name, comment
        self.enums = []        # dicts: schema, name, values, comment
        self.sequences = []    # dicts: schema, name, opts, owned_by, comment
        self.tables = []       # dicts, see NewTable
        self.used_rel_names = set()  # (schema, name) of tables, sequences, indexes, types
        self.cycle_alters = []

    # ---- names -------------------------------------------------------------------------------
    def Claim(self, schema, name):
        name = trunc63(name)
        base, k = name, 1
        while (schema, name) in self.used_rel_names:
            k += 1
            suffix = f"_{k}"
            name = trunc63(base, 63 - len(suffix)) + suffix
        self.used_rel_names.add((schema, name))
        return name

    def ConName(self, t, base, relation=False):
        """A constraint name unique within table t; `relation` (UNIQUE / PRIMARY KEY constraints,
        whose index shares the schema's relation namespace) also claims it in the schema."""
        names = t.setdefault("connames", set())
        base = trunc63(base)
        name, k = base, 1
        while name in names or (relation and (t["schema"], name) in self.used_rel_names):
            k += 1
            suffix = f"_{k}"
            name = trunc63(base, 63 - len(suffix)) + suffix
        names.add(name)
        if relation:
            self.used_rel_names.add((t["schema"], name))
        return name

    # ---- top-level objects -------------------------------------------------------------------
    def Build(self):
        r = self.r
        self.schemas.append({"name": "public", "comment": None, "builtin": True})
        n_extra = max(1, min(len(SCHEMA_WORDS), self.n // 120))
        for w in SCHEMA_WORDS[:n_extra]:
            self.schemas.append({"name": w, "builtin": False,
                                 "comment": f"{w.capitalize()} domain" if r.random() < 0.6 else None})
        if self.n >= 50:
            self.schemas.append({"name": "Legacy Import", "builtin": False,
                                 "comment": "Tables imported from the old system, names kept"})
        for i in range(max(2, self.n // 15)):
            word = r.choice(sorted(ENUM_WORDS))
            sch = r.choice(self.schemas)["name"]
            name = self.Claim(sch, f"{word}_{i}" if i >= len(ENUM_WORDS) else word + "_t")
            values = list(ENUM_WORDS[word])
            if r.random() < 0.1:
                values.append("à_vérifier")
            self.enums.append({"schema": sch, "name": name, "values": values,
                               "comment": f"Allowed {word} values" if r.random() < 0.3 else None})
        for i in range(max(2, self.n // 25)):
            sch = r.choice(self.schemas)["name"]
            name = self.Claim(sch, f"seq_{i}_{r.choice(['ref', 'ticket', 'batch', 'doc'])}_no")
            self.sequences.append({"schema": sch, "name": name, "opts": self.SeqOptions(),
                                   "owned_by": None, "comment": None if r.random() < 0.7
                                   else "Numbers shown to users"})
        # The root tenant table every file can reference.
        self.tables.append(self.TenantTable())
        for i in range(1, self.n):
            self.tables.append(self.NewTable(i))
        self.AddCycles()
        self.AssignOwnedBy()

    def SeqOptions(self):
        r = self.r
        t = r.choice(["smallint", "integer", "bigint", "bigint"])
        o = {"as": t}
        if r.random() < 0.15:   # descending
            o["increment"] = -r.choice([1, 1, 2])
            o["maxvalue"] = -1
            o["minvalue"] = -r.choice([1000, 30000]) if t == "smallint" else -r.choice([10**6, 2 * 10**9])
        else:
            o["increment"] = r.choice([1, 1, 1, 5, 10])
            start = r.choice([1, 100, 1000])
            o["minvalue"] = start if r.random() < 0.5 else 1
            o["start"] = start
            if r.random() < 0.4:
                o["maxvalue"] = {"smallint": 30000, "integer": 2 * 10**9, "bigint": 10**12}[t]
        if r.random() < 0.4:
            o["cache"] = r.choice([5, 10, 20, 50])
        if r.random() < 0.1 and "maxvalue" in o:
            o["cycle"] = True
        return o

    def TenantTable(self):
        t = self.EmptyTable("public", "tenants", 0)
        t["columns"] = [
            self.Col("id", "bigint", not_null=True, identity=("ALWAYS", {})),
            self.Col("slug", "varchar(63)", not_null=True, collate="C"),
            self.Col("name", "text", not_null=True),
            self.Col("created_at", "timestamptz", not_null=True, default="now()"),
        ]
        t["pk"] = ["id"]
        t["constraints"].append({"type": "unique", "name": None, "cols": ["slug"], "include": [],
                                 "nnd": False})
        t["comment"] = "Root of every tenant-owned row"
        t["tenant_scoped"] = False
        return t

    def EmptyTable(self, schema, name, idx):
        return {"schema": schema, "name": name, "idx": idx, "columns": [], "pk": None,
                "constraints": [], "indexes": [], "unlogged": False, "options": {},
                "comment": None, "not_valid_checks": [], "tenant_scoped": False, "id_type": None}

    def Col(self, name, typ, not_null=False, default=None, collate=None, identity=None,
            generated=None, serial=None, comment=None, gen_deps=()):
        return {"name": name, "type": typ, "not_null": not_null, "default": default,
                "collate": collate, "identity": identity, "generated": generated,
                "serial": serial, "comment": comment, "gen_deps": list(gen_deps)}

    # ---- tables --------------------------------------------------------------------------------
    def NewTable(self, i, schema=None):
        r = self.r
        sch = r.choice(self.schemas)["name"] if r.random() < 0.6 else "public"
        sch = schema or sch
        noun = r.choice(NOUNS)
        roll = r.random()
        if i % 97 == 13:   # a 63-byte name: implicit names derived from it must be truncated
            base = f"{noun}_with_a_deliberately_long_descriptive_name_for_table_"
            base = (base * 3)[:63 - len(str(i)) - 1] + "_" + str(i)
            name = self.Claim(sch, base)
        elif roll < 0.02:
            name = self.Claim(sch, noun.title().replace("_", ""))            # "OrderItems"
        elif roll < 0.03:
            name = self.Claim(sch, noun.replace("_", " ") + " archive")     # spaces
        elif roll < 0.035:
            name = self.Claim(sch, "bestellpositionen_größe" if r.random() < 0.5 else "commandes_réglées")
        else:
            name = self.Claim(sch, noun)
        t = self.EmptyTable(sch, name, i)
        cols = t["columns"]
        used = set()

        def Fresh(base):
            n, k = base, 1
            while n in used:
                k += 1
                n = f"{base}_{k}"
            used.add(n)
            return n

        # Primary key flavour.
        kind = r.choices(["identity", "identity_int", "bigserial", "serial", "uuid", "link"],
                         [40, 10, 15, 8, 17, 10])[0]
        candidates = [x for x in self.tables if not x["unlogged"] and x["id_type"]]
        if kind == "link" and len(candidates) < 2:
            kind = "identity"
        if kind == "identity":
            opts = {}
            if r.random() < 0.3:
                opts = {"start": r.choice([100, 1000, 10000]), "cache": r.choice([10, 20, 100])}
            cols.append(self.Col(Fresh("id"), "bigint", not_null=True,
                                 identity=(r.choice(["ALWAYS", "ALWAYS", "BY DEFAULT"]), opts)))
            t["id_type"] = "bigint"
        elif kind == "identity_int":
            opts = {"increment": r.choice([1, 2, 10])} if r.random() < 0.5 else {}
            cols.append(self.Col(Fresh("id"), "integer", not_null=True, identity=("BY DEFAULT", opts)))
            t["id_type"] = "integer"
        elif kind == "bigserial":
            cols.append(self.Col(Fresh("id"), "bigint", not_null=True, serial="bigserial"))
            t["id_type"] = "bigint"
        elif kind == "serial":
            cols.append(self.Col(Fresh("id"), "integer", not_null=True, serial="serial"))
            t["id_type"] = "integer"
        elif kind == "uuid":
            cols.append(self.Col(Fresh("id"), "uuid", not_null=True, default="gen_random_uuid()"))
            t["id_type"] = "uuid"
        if kind != "link":
            t["pk"] = [cols[0]["name"]]

        # Tenant column.
        if r.random() < 0.7:
            cols.append(self.Col(Fresh("tenant_id"), "bigint", not_null=True))
            t["constraints"].append(self.Fk(["tenant_id"], self.tables[0], ["id"],
                                            on_delete="CASCADE"))
            t["tenant_scoped"] = True
            if t["id_type"] and r.random() < 0.3:
                t["constraints"].append({"type": "unique", "name": self.ConName(t, f"{name[:40]}_tenant_uniq", True),
                                         "cols": ["tenant_id", "id"], "include": [], "nnd": False})
                t["tenant_unique"] = True

        if kind == "link":
            a, b = r.sample(candidates, 2)
            ca = Fresh(trunc63(a["name"])[:40].replace(" ", "_").lower() + "_id")
            cb = Fresh(trunc63(b["name"])[:40].replace(" ", "_").lower() + "_id")
            cols.append(self.Col(ca, a["id_type"], not_null=True))
            cols.append(self.Col(cb, b["id_type"], not_null=True))
            t["pk"] = [ca, cb]
            t["constraints"].append(self.Fk([ca], a, a["pk"], on_delete="CASCADE"))
            t["constraints"].append(self.Fk([cb], b, b["pk"], on_delete="CASCADE"))
            t["indexes"].append(self.Idx(t, [{"col": cb}]))

        # Foreign keys to earlier tables.
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            if not candidates:
                break
            ref = r.choice(candidates)
            if ref["pk"] is None or len(ref["pk"]) != 1:
                continue
            base = trunc63(ref["name"])[:40].replace(" ", "_").lower()
            base = re.sub(r"[^a-z0-9_]", "_", base)
            c = Fresh(("parent" if ref is t else base) + "_id")
            nullable = r.random() < 0.5
            cols.append(self.Col(c, ref["id_type"], not_null=not nullable))
            composite = (t["tenant_scoped"] and ref.get("tenant_unique") and r.random() < 0.7)
            if composite:
                # Pins the child to the parent's tenant; SET NULL (col) keeps tenant_id.
                fk = self.Fk(["tenant_id", c], ref, ["tenant_id", "id"],
                             on_delete="SET NULL" if nullable else r.choice(["CASCADE", "RESTRICT"]),
                             name=self.ConName(t, f"{name[:30]}_{c[:25]}_fk"))
                if nullable:
                    fk["set_null_cols"] = [c]
                if not nullable and r.random() < 0.5:
                    fk["match_full"] = True
            else:
                acts = FK_ACTIONS if nullable else ["NO ACTION", "RESTRICT", "CASCADE"]
                fk = self.Fk([c], ref, ref["pk"], on_delete=r.choice(acts))
                if r.random() < 0.15:
                    fk["on_update"] = "CASCADE"
                if r.random() < 0.05:
                    fk["deferrable"] = True
                    fk["deferred"] = r.random() < 0.5
            t["constraints"].append(fk)
            if r.random() < 0.6:
                t["indexes"].append(self.Idx(t, [{"col": c}]))

        # Self reference.
        if t["id_type"] and r.random() < 0.08:
            c = Fresh("parent_id")
            cols.append(self.Col(c, t["id_type"]))
            t["constraints"].append(self.Fk([c], t, t["pk"], on_delete=r.choice(["CASCADE", "SET NULL"])))
            t["constraints"].append({"type": "check", "name": None, "expr": f"{q(c)} <> {q(t['pk'][0])}",
                                     "cols": [c, t["pk"][0]]})

        # Ordinary columns.
        for _ in range(r.randint(3, 11)):
            self.AddRandomColumn(t, Fresh)

        # A human-facing number drawn from a free sequence of the same schema (invoice numbers
        # and the like); AssignOwnedBy may make the sequence OWNED BY this column.
        seqs = [x for x in self.sequences if x["schema"] == sch and x["opts"]["as"] != "smallint"
                and x["opts"]["increment"] > 0]
        if seqs and r.random() < 0.12:
            sq = r.choice(seqs)
            c = self.Col(Fresh("display_number"), "bigint", not_null=True,
                         default=f"nextval({lit(qn(sq['schema'], sq['name']))})")
            c["uses_seq"] = (sq["schema"], sq["name"])
            cols.append(c)

        # Generated column.
        nums = [c for c in cols if c["type"] in ("integer", "bigint") and not c["identity"]
                and not c["serial"] and not c["name"].endswith("_id") and not c["generated"]]
        texts = [c for c in cols if c["type"] == "text" and not c["generated"]]
        if r.random() < 0.12 and len(nums) >= 2:
            a, b = nums[0], nums[1]
            cols.append(self.Col(Fresh("total"), "bigint",
                                 generated=f"{q(a['name'])}::bigint * {q(b['name'])}",
                                 gen_deps=[a["name"], b["name"]]))
        elif r.random() < 0.1 and texts:
            a = texts[0]
            cols.append(self.Col(Fresh(re.sub(r"[^a-z0-9_]", "_", a["name"].lower()) + "_lower"), "text",
                                 generated=f"lower({q(a['name'])})", gen_deps=[a["name"]]))

        # Checks, uniques, indexes.
        self.AddRandomChecks(t)
        self.AddRandomUniques(t)
        for _ in range(r.choice([0, 1, 1, 2, 2, 3])):
            ix = self.RandomIndex(t)
            if ix:
                t["indexes"].append(ix)

        # Table options.
        if r.random() < 0.03:
            t["unlogged"] = True
            t["id_type"] = None   # permanent tables may not reference unlogged ones: never an FK target
        if r.random() < 0.08:
            t["options"]["fillfactor"] = str(r.choice([70, 80, 90]))
        if r.random() < 0.03:
            t["options"]["autovacuum_enabled"] = "false"
        if r.random() < 0.4:
            t["comment"] = f"{noun.replace('_', ' ').capitalize()} of the {sch} area"
        for c in cols:
            if r.random() < 0.08:
                c["comment"] = f"{c['name']} ({c['type']})" + (" — see runbook" if r.random() < 0.2 else "")
        return t

    def Fk(self, cols, ref, ref_cols, on_delete="NO ACTION", name=None):
        return {"type": "fk", "name": name, "cols": list(cols), "ref": (ref["schema"], ref["name"]),
                "ref_cols": list(ref_cols), "on_delete": on_delete, "on_update": "NO ACTION",
                "set_null_cols": [], "match_full": False, "deferrable": False, "deferred": False,
                "not_valid": False, "comment": None}

    def AddRandomColumn(self, t, fresh):
        r = self.r
        kind = r.choices(list(COLUMN_WORDS) + ["enum"],
                         [14, 10, 3, 3, 7, 3, 6, 6, 10, 2, 3, 1, 3, 5, 1, 2, 2, 3, 1, 5])[0]
        if kind == "enum":
            e = r.choice(self.enums)
            name = fresh(re.sub(r"_\d+$", "", e["name"]).removesuffix("_t"))
            c = self.Col(name, qn(e["schema"], e["name"]), not_null=r.random() < 0.7)
            c["enum"] = (e["schema"], e["name"])
            if r.random() < 0.7:
                c["default"] = lit(e["values"][0])
            t["columns"].append(c)
            return c
        if r.random() < 0.03 and kind in ODD_COLUMN_NAMES:
            name = fresh(r.choice(ODD_COLUMN_NAMES[kind]))
        else:
            name = fresh(r.choice(COLUMN_WORDS[kind]))
        typ = kind
        if kind == "varchar":
            typ = f"varchar({r.choice([20, 50, 100, 200, 255])})"
        elif kind == "char":
            typ = f"char({ {'country_code': 2, 'currency': 3, 'color_hex': 7, 'lang': 2}.get(name, 2) })"
        elif kind == "numeric":
            p = r.choice([10, 12, 14, 18])
            typ = f"numeric({p},{r.choice([2, 2, 4])})"
        c = self.Col(name, typ, not_null=r.random() < 0.45)
        d = r.random()
        if kind in ("integer", "smallint", "bigint") and d < 0.4:
            c["default"] = r.choice(["0", "1", "10"])
        elif kind == "numeric" and d < 0.4:
            c["default"] = "0"
        elif kind == "boolean" and d < 0.8:
            c["default"] = r.choice(["true", "false"])
        elif kind == "timestamptz" and name in ("created_at", "updated_at", "Created At") and d < 0.9:
            c["default"] = r.choice(["now()", "now()", "CURRENT_TIMESTAMP"])
            c["not_null"] = True
        elif kind in ("text", "varchar") and d < 0.15:
            c["default"] = lit(r.choice(["", "n/a", "unknown", "it's fine"]))
        elif kind == "char" and d < 0.3:
            c["default"] = lit({"currency": "EUR", "color_hex": "#000000"}.get(name, "en"))
        elif kind == "uuid" and d < 0.5:
            c["default"] = "gen_random_uuid()"
        elif kind == "jsonb" and d < 0.6:
            c["default"] = r.choice(["'{}'::jsonb", "'[]'::jsonb", "'{}'"])
            c["not_null"] = True
        elif kind in ("text[]", "integer[]") and d < 0.6:
            c["default"] = "'{}'"
        elif kind == "date" and d < 0.1:
            c["default"] = "'2000-01-01'"
        elif kind == "bigint" and d < 0.5 and self.sequences:
            s = r.choice(self.sequences)
            if s["opts"]["as"] != "smallint":
                c["default"] = f"nextval({lit(qn(s['schema'], s['name']))})"
                c["uses_seq"] = (s["schema"], s["name"])
        if kind in ("varchar", "text") and r.random() < 0.08:
            c["collate"] = "C"
        t["columns"].append(c)
        return c

    def AddRandomChecks(self, t):
        r = self.r
        for c in list(t["columns"]):
            if c["generated"] or c["identity"] or c["serial"] or r.random() > 0.15:
                continue
            n, typ = q(c["name"]), c["type"]
            if typ in ("integer", "smallint", "bigint") and not c["name"].endswith("_id"):
                e = r.choice([f"{n} >= 0", f"{n} BETWEEN 0 AND {r.choice([100, 1000, 100000])}"])
            elif typ.startswith("numeric"):
                e = f"{n} >= 0"
            elif typ == "text" or typ.startswith("varchar"):
                e = r.choice([f"length({n}) > 0", f"{n} <> ''", f"length({n}) <= {r.choice([500, 2000])}"])
            elif typ == "jsonb":
                e = f"jsonb_typeof({n}) = 'object'"
            elif typ.endswith("[]"):
                e = f"cardinality({n}) <= {r.choice([16, 64])}"
            elif typ.startswith("char("):
                e = f"{n} = upper({n})" if c["name"] in ("currency", "country_code") else f"{n} ~ '^[#a-z0-9]+$'"
            else:
                continue
            chk = {"type": "check", "name": None, "expr": e, "cols": [c["name"]]}
            roll = r.random()
            if roll < 0.4:
                chk["name"] = self.ConName(t, f"{t['name'][:30]}_{c['name'][:20]}_chk")
            if roll < 0.08:
                chk["not_valid"] = True     # ALTER TABLE ... ADD CONSTRAINT ... NOT VALID
            elif roll < 0.12:
                chk["no_inherit"] = True
            if chk["name"] and r.random() < 0.2:
                chk["comment"] = "Enforced since the 2023 data clean-up"
            if any(x["type"] == "check" and x["cols"] == chk["cols"] and not x["name"] for x in t["constraints"]) \
                    and not chk["name"]:
                continue
            t["constraints"].append(chk)
        ts = [c for c in t["columns"] if c["type"] in ("timestamptz", "date") and not c["generated"]]
        if len(ts) >= 2 and r.random() < 0.3:
            a, b = ts[0], ts[1]
            t["constraints"].append({"type": "check", "name": self.ConName(t, f"{t['name'][:40]}_time_order"),
                                     "expr": f"{q(b['name'])} IS NULL OR {q(b['name'])} >= {q(a['name'])}",
                                     "cols": [a["name"], b["name"]]})

    def AddRandomUniques(self, t):
        r = self.r
        cands = [c for c in t["columns"] if (c["type"].startswith("varchar") or c["type"] in ("text", "uuid"))
                 and not c["generated"] and not c.get("enum")]
        if cands and r.random() < 0.35:
            c = r.choice(cands)
            cols = [c["name"]]
            if t["tenant_scoped"] and r.random() < 0.6:
                cols = ["tenant_id", c["name"]]
            u = {"type": "unique", "name": None, "cols": cols, "include": [], "nnd": False}
            if not c["not_null"] and r.random() < 0.4:
                u["nnd"] = True
            if r.random() < 0.15:
                others = [x["name"] for x in t["columns"] if x["name"] not in cols and not x["type"].endswith("[]")
                          and x["type"] not in ("jsonb", "json", "inet") and not x.get("enum")]
                if others:
                    u["include"] = [r.choice(others)]
            if any(x["type"] == "unique" and x["cols"] == cols for x in t["constraints"]):
                return
            if r.random() < 0.3:
                u["name"] = self.ConName(t, f"{t['name'][:30]}_{'_'.join(cols)[:25]}_uniq", True)
            t["constraints"].append(u)

    def IdxName(self, t, parts, suffix):
        base = re.sub(r"[^a-z0-9_]+", "_", f"{t['name'][:28]}_{'_'.join(parts)[:26]}".lower()).strip("_")
        return self.Claim(t["schema"], f"{base}_{suffix}")

    def Idx(self, t, elems, method="btree", unique=False, include=(), where=None, params=None, nnd=False,
            name=None):
        parts = [e.get("col") or "expr" for e in elems]
        return {"name": name or self.IdxName(t, parts, "uidx" if unique else "idx"), "method": method,
                "elems": elems, "unique": unique, "include": list(include), "where": where,
                "params": dict(params or {}), "nnd": nnd, "comment": None,
                "cols": sorted({e["col"] for e in elems if e.get("col")} |
                               {d for e in elems for d in e.get("deps", [])} |
                               set(include) | set((where or {}).get("deps", [])))}

    def RandomIndex(self, t):
        r = self.r
        cols = [c for c in t["columns"] if not c["generated"]]
        c = r.choice(cols)
        n, typ = c["name"], c["type"]
        where = None
        if r.random() < 0.2:
            opt = [x for x in t["columns"] if not x["not_null"] and x["name"] != n]
            bools = [x for x in t["columns"] if x["type"] == "boolean"]
            if bools and r.random() < 0.5:
                b = r.choice(bools)
                where = {"expr": f"{q(b['name'])}", "deps": [b["name"]]}
            elif opt:
                o = r.choice(opt)
                where = {"expr": f"{q(o['name'])} IS NOT NULL", "deps": [o["name"]]}
        if typ == "jsonb":
            e = {"col": n, "opclass": "jsonb_path_ops"} if r.random() < 0.4 else {"col": n}
            return self.Idx(t, [e], method="gin")
        if typ.endswith("[]"):
            return self.Idx(t, [{"col": n}], method="gin")
        if typ == "inet":
            return self.Idx(t, [{"col": n, "opclass": "inet_ops"}], method="gist", where=where)
        if typ == "timestamptz" and r.random() < 0.3:
            params = {"pages_per_range": str(r.choice([16, 32, 64]))} if r.random() < 0.4 else None
            return self.Idx(t, [{"col": n}], method="brin", params=params)
        if typ == "uuid" and r.random() < 0.4:
            return self.Idx(t, [{"col": n}], method="hash")
        if typ in ("json", "bytea", "boolean"):
            return None
        if typ == "text" or typ.startswith("varchar"):
            roll = r.random()
            if roll < 0.3:
                unique = r.random() < 0.3 and where is None
                return self.Idx(t, [{"expr": f"lower({q(n)})", "deps": [n]}], unique=unique, where=where)
            if roll < 0.45 and typ == "text":
                return self.Idx(t, [{"col": n, "opclass": "text_pattern_ops"}], where=where)
            if roll < 0.55:
                return self.Idx(t, [{"col": n, "collate": "C"}], where=where)
        elem = {"col": n}
        if typ in ("timestamptz", "date", "integer", "bigint", "numeric") and r.random() < 0.4:
            elem["desc"] = True
            elem["nulls"] = r.choice(["LAST", None])
        elems = [elem]
        if t["tenant_scoped"] and n != "tenant_id" and r.random() < 0.5:
            elems.insert(0, {"col": "tenant_id"})
        include = []
        if r.random() < 0.2:
            inc = [x["name"] for x in t["columns"] if x["name"] not in [e.get("col") for e in elems]
                   and x["type"] in ("integer", "bigint", "boolean", "date", "timestamptz")]
            if inc:
                include = [r.choice(inc)]
        unique = r.random() < 0.1 and not elem.get("desc")
        nnd = unique and r.random() < 0.5
        params = {"fillfactor": "80"} if r.random() < 0.05 else None
        ix = self.Idx(t, elems, unique=unique, include=include, where=where, params=params, nnd=nnd)
        if r.random() < 0.1:
            ix["comment"] = "Serves the list view's default sort"
        return ix

    def AddCycles(self):
        """A few pairs of tables reference each other; the back edge is added with ALTER TABLE after
        the later table exists, DEFERRABLE so both rows can be inserted in one transaction."""
        r = self.r
        logged = [t for t in self.tables[1:] if not t["unlogged"] and t["pk"] and len(t["pk"]) == 1
                  and t["id_type"]]
        for _ in range(max(1, self.n // 100)):
            if len(logged) < 2:
                return
            a, b = sorted(r.sample(logged, 2), key=lambda x: x["idx"])
            if any(c["type"] == "fk" and c["ref"] == (b["schema"], b["name"]) for c in a["constraints"]):
                continue
            col = f"latest_{re.sub(r'[^a-z0-9_]', '_', b['name'].lower())[:40]}_id"
            if any(c["name"] == col for c in a["columns"]):
                continue
            a["columns"].append(self.Col(col, b["id_type"]))
            fk = self.Fk([col], b, b["pk"], on_delete="SET NULL",
                         name=self.ConName(a, f"{a['name'][:30]}_{col[:28]}_fk"))
            fk["deferrable"] = True
            fk["deferred"] = True
            fk["cycle_after"] = b["idx"]
            a["constraints"].append(fk)
            # The forward edge b -> a closes the cycle (unless b already references a).
            if not any(c["type"] == "fk" and c["ref"] == (a["schema"], a["name"]) for c in b["constraints"]):
                back = f"{re.sub(r'[^a-z0-9_]', '_', a['name'].lower())[:40]}_ref_id"
                if not any(c["name"] == back for c in b["columns"]):
                    b["columns"].append(self.Col(back, a["id_type"]))
                    b["constraints"].append(self.Fk([back], a, a["pk"], on_delete="CASCADE"))

    def AssignOwnedBy(self):
        """Some free sequences become OWNED BY a column whose default draws from them (what serial
        does implicitly). PostgreSQL requires the owning table to be in the sequence's schema."""
        r = self.r
        for s in self.sequences:
            if r.random() < 0.5:
                users = [(t, c) for t in self.tables for c in t["columns"]
                         if c.get("uses_seq") == (s["schema"], s["name"]) and t["schema"] == s["schema"]]
                if users:
                    t, c = r.choice(users)
                    s["owned_by"] = (t["schema"], t["name"], c["name"])


# ---- version 2 -----------------------------------------------------------------------------------
class Changer:
    """Applies realistic in-place changes to a deep copy of the version-1 model."""

    def __init__(self, g, seed):
        self.g = g
        self.r = random.Random(f"schemac-bench/{seed}/v2")
        self.log = []

    def Log(self, obj, what):
        self.log.append(f"{obj}: {what}")

    def Referenced(self, t):
        key = (t["schema"], t["name"])
        return any(c["type"] == "fk" and c["ref"] == key and u is not t
                   for u in self.g.tables for c in u["constraints"]) or \
            any(s["owned_by"] and s["owned_by"][:2] == key for s in self.g.sequences)

    def FkCols(self, t):
        """Columns of t that take part in a foreign key, either side."""
        cols = {c for k in t["constraints"] if k["type"] == "fk" for c in k["cols"]}
        key = (t["schema"], t["name"])
        for u in self.g.tables:
            for k in u["constraints"]:
                if k["type"] == "fk" and k["ref"] == key:
                    cols |= set(k["ref_cols"])
        return cols

    def Run(self):
        g, r = self.g, self.r
        g.r = r   # every v2 choice, also those made through Gen's helpers, comes from the v2 stream
        tables = g.tables[1:]
        picked = r.sample(tables, max(1, len(tables) // 10))
        for t in sorted(picked, key=lambda x: x["idx"]):
            for _ in range(r.choice([1, 1, 2, 3])):
                self.ChangeTable(t)
        self.ChangeEnums()
        self.ChangeSequences()
        self.DropTable()
        self.NewTables()

    def ChangeTable(self, t):
        r = self.r
        name = qn(t["schema"], t["name"])
        kinds = ["add_column", "drop_column", "widen", "default", "not_null", "check", "fk_action",
                 "index_add", "index_change", "index_drop", "comment", "identity", "options"]
        k = r.choice(kinds)
        fkcols = self.FkCols(t)
        gen_deps = {d for c in t["columns"] for d in c["gen_deps"]}
        key_cols = set(t["pk"] or []) | {c for k2 in t["constraints"] if k2["type"] == "unique" for c in k2["cols"]}
        owners = {s["owned_by"][2] for s in self.g.sequences
                  if s["owned_by"] and s["owned_by"][:2] == (t["schema"], t["name"])}
        plain = [c for c in t["columns"] if not c["identity"] and not c["serial"] and not c["generated"]
                 and c["name"] not in fkcols and c["name"] not in gen_deps and c["name"] not in key_cols
                 and c["name"] not in owners]
        if k == "add_column":
            before = {c["name"] for c in t["columns"]}

            def Fresh(base):
                n, i = base + "_v2", 2
                while n in before:
                    n, i = f"{base}_v2_{i}", i + 1
                before.add(n)
                return n
            c = self.g.AddRandomColumn(t, Fresh)
            c.pop("uses_seq", None)
            if c["default"] and c["default"].startswith("nextval"):
                c["default"] = None
            if c["not_null"] and c["default"] is None:
                c["not_null"] = False    # a realistic release adds NOT NULL columns with a default
            self.Log(name, f"add column {q(c['name'])} {c['type']}")
            if r.random() < 0.3:
                ix = self.g.RandomIndex(t)
                if ix and c["name"] in ix["cols"]:
                    t["indexes"].append(ix)
                    self.Log(name, f"add index {q(ix['name'])}")
        elif k == "drop_column" and plain:
            c = r.choice(plain)
            t["columns"].remove(c)
            t["constraints"] = [x for x in t["constraints"]
                                if c["name"] not in x["cols"] and c["name"] not in x.get("include", [])]
            t["indexes"] = [x for x in t["indexes"] if c["name"] not in x["cols"]]
            self.Log(name, f"drop column {q(c['name'])} (and the checks and indexes using it)")
        elif k == "widen":
            cands = [c for c in plain if re.fullmatch(r"varchar\(\d+\)|integer|smallint|numeric\(\d+,\d+\)", c["type"])]
            if not cands:
                return self.ChangeTable(t) if r.random() < 0.7 else None
            c = r.choice(cands)
            old = c["type"]
            if old.startswith("varchar"):
                c["type"] = f"varchar({int(old[8:-1]) * 2})"
            elif old == "integer":
                c["type"] = "bigint"
            elif old == "smallint":
                c["type"] = "integer"
            else:
                p, s = map(int, old[8:-1].split(","))
                c["type"] = f"numeric({p + 4},{s})"
            self.Log(name, f"column {q(c['name'])}: {old} -> {c['type']}")
        elif k == "default" and plain:
            c = r.choice(plain)
            old = c["default"]
            typ = c["type"]
            if c.get("enum"):
                e = next(e for e in self.g.enums if (e["schema"], e["name"]) == c["enum"])
                c["default"] = lit(e["values"][0]) if old is None else None
            elif typ in ("integer", "smallint", "bigint") or typ.startswith("numeric"):
                c["default"] = "5" if old != "5" else "0"
            elif typ == "boolean":
                c["default"] = "false" if old == "true" else "true"
            elif typ == "timestamptz":
                c["default"] = None if old else "now()"
            elif typ == "text" or typ.startswith("varchar"):
                c["default"] = lit("pending review") if old is None else None
            else:
                c["default"] = None
            if c["default"] is None and c["not_null"] and old is not None and typ.startswith("jsonb"):
                c["default"] = old
            if c["default"] != old:
                self.Log(name, f"column {q(c['name'])}: default {old} -> {c['default']}")
        elif k == "not_null" and plain:
            c = r.choice(plain)
            c["not_null"] = not c["not_null"]
            self.Log(name, f"column {q(c['name'])}: {'SET' if c['not_null'] else 'DROP'} NOT NULL")
        elif k == "check":
            checks = [x for x in t["constraints"] if x["type"] == "check"]
            if checks and r.random() < 0.5:
                x = r.choice(checks)
                m = re.search(r"\d+$", x["expr"])
                if m and r.random() < 0.7:
                    x["expr"] = x["expr"][:m.start()] + str(int(m.group()) * 2 + 1)
                    self.Log(name, f"change check on {x['cols']}: now {x['expr']}")
                elif x.get("not_valid"):
                    x["not_valid"] = False
                    self.Log(name, f"check {x['name']} now validated")
                else:
                    t["constraints"].remove(x)
                    self.Log(name, f"drop check {x['expr']}")
            else:
                before = len(t["constraints"])
                self.g.AddRandomChecks(t)
                if len(t["constraints"]) > before:
                    self.Log(name, f"add {len(t['constraints']) - before} check(s)")
        elif k == "fk_action":
            fks = [x for x in t["constraints"] if x["type"] == "fk" and not x.get("cycle_after")]
            if not fks:
                return
            x = r.choice(fks)
            nullable = all(not next(c for c in t["columns"] if c["name"] == n)["not_null"] for n in x["cols"])
            acts = [a for a in (FK_ACTIONS if nullable else ["NO ACTION", "RESTRICT", "CASCADE"])
                    if a != x["on_delete"]]
            old = x["on_delete"]
            x["on_delete"] = r.choice(acts)
            x["set_null_cols"] = []
            if x["on_delete"] == "SET NULL" and len(x["cols"]) > 1:
                x["set_null_cols"] = x["cols"][1:]
            self.Log(name, f"FK ({', '.join(x['cols'])}): ON DELETE {old} -> {x['on_delete']}")
        elif k == "index_add":
            ix = self.g.RandomIndex(t)
            if ix:
                t["indexes"].append(ix)
                self.Log(name, f"add index {q(ix['name'])}")
        elif k == "index_change" and t["indexes"]:
            ix = r.choice(t["indexes"])
            if ix["method"] == "btree" and not ix["unique"] and ix["where"] is None:
                nn = [c for c in t["columns"] if not c["not_null"]]
                if nn:
                    ix["where"] = {"expr": f"{q(nn[0]['name'])} IS NOT NULL", "deps": [nn[0]["name"]]}
                    ix["cols"] = sorted(set(ix["cols"]) | {nn[0]["name"]})
                    self.Log(name, f"index {q(ix['name'])}: now partial")
                    return
            if ix["method"] == "btree" and ix["elems"][-1].get("col"):
                e = ix["elems"][-1]
                e["desc"] = not e.get("desc")
                e["nulls"] = "LAST" if e["desc"] else None
                self.Log(name, f"index {q(ix['name'])}: last key {'DESC NULLS LAST' if e['desc'] else 'ASC'}")
            elif ix["method"] == "brin":
                ix["params"]["pages_per_range"] = "128"
                self.Log(name, f"index {q(ix['name'])}: pages_per_range 128")
            elif ix["method"] == "gin" and ix["elems"][0].get("col"):
                e = ix["elems"][0]
                col = next(c for c in t["columns"] if c["name"] == e["col"])
                if col["type"] == "jsonb":
                    e["opclass"] = None if e.get("opclass") else "jsonb_path_ops"
                    self.Log(name, f"index {q(ix['name'])}: opclass {e['opclass'] or 'default'}")
        elif k == "index_drop" and t["indexes"]:
            ix = r.choice(t["indexes"])
            t["indexes"].remove(ix)
            self.Log(name, f"drop index {q(ix['name'])}")
        elif k == "comment":
            if t["comment"] and r.random() < 0.3:
                t["comment"] = None
                self.Log(name, "comment removed")
            else:
                t["comment"] = (t["comment"] or "Table") + " (revised in v2)"
                self.Log(name, "comment changed")
        elif k == "identity":
            c = next((c for c in t["columns"] if c["identity"]), None)
            if not c:
                return
            kind, opts = c["identity"]
            opts = dict(opts)
            if r.random() < 0.4:
                kind = "BY DEFAULT" if kind == "ALWAYS" else "ALWAYS"
                self.Log(name, f"identity {q(c['name'])}: now {kind}")
            else:
                opts["cache"] = opts.get("cache", 1) * 5 + 5
                self.Log(name, f"identity {q(c['name'])}: CACHE {opts['cache']}")
            c["identity"] = (kind, opts)
        elif k == "options":
            if t["unlogged"]:
                t["unlogged"] = False
                self.Log(name, "SET LOGGED")
            elif "fillfactor" in t["options"] and r.random() < 0.4:
                del t["options"]["fillfactor"]
                self.Log(name, "RESET (fillfactor)")
            else:
                t["options"]["fillfactor"] = str(r.choice([60, 75, 85, 95]))
                self.Log(name, f"fillfactor {t['options']['fillfactor']}")

    def ChangeEnums(self):
        r = self.r
        enums = self.g.enums
        n = max(1, len(enums) // 10)
        for i, e in enumerate(r.sample(enums, min(len(enums), max(n, 3)))):
            name = qn(e["schema"], e["name"])
            mode = ["middle", "end", "remove"][i % 3]
            if mode == "middle":
                pos = r.randint(1, len(e["values"]) - 1)
                e["values"].insert(pos, f"{e['values'][pos - 1]}_plus")
                self.Log(name, f"enum value {e['values'][pos]} added in the middle")
            elif mode == "end":
                e["values"].append("legacy" if "legacy" not in e["values"] else "legacy_2")
                self.Log(name, f"enum value {e['values'][-1]} added at the end")
            elif len(e["values"]) > 2:
                # Defaults only ever use the first value, so any later one can go.
                v = e["values"].pop(r.randint(1, len(e["values"]) - 1))
                self.Log(name, f"enum value {v} removed (type must be recreated)")

    def ChangeSequences(self):
        r = self.r
        for s in r.sample(self.g.sequences, max(1, len(self.g.sequences) // 10)):
            o = s["opts"]
            if o["increment"] > 0 and "maxvalue" in o and r.random() < 0.5:
                top = {"smallint": 32767, "integer": 2147483647, "bigint": 2**63 - 1}[o["as"]]
                o["maxvalue"] = min(o["maxvalue"] * 2, top)
                o["cycle"] = not o.get("cycle")
            else:
                o["cache"] = o.get("cache", 1) * 2 + 10
            self.Log(qn(s["schema"], s["name"]), f"sequence options now {o}")

    def DropTable(self):
        for t in reversed(self.g.tables[1:]):
            if not self.Referenced(t) and not any(c.get("uses_seq") for c in t["columns"]):
                self.g.tables.remove(t)
                self.Log(qn(t["schema"], t["name"]), "table dropped")
                return

    def NewTables(self):
        g, r = self.g, self.r
        g.schemas.append({"name": "reporting", "builtin": False, "comment": "New in v2", "new": True})
        g.enums.append({"schema": "reporting", "name": "report_format", "values": ["csv", "xlsx", "pdf"],
                        "comment": None, "new": True})
        start = len(g.tables) + 100000
        for k in range(max(1, g.n // 50)):
            t = g.NewTable(start + k, schema="reporting" if k == 0 else None)
            t["new"] = True
            if k == 0 and not any(c["name"] == "format" for c in t["columns"]):
                t["columns"].append(g.Col("format", qn("reporting", "report_format"), not_null=True,
                                          default="'csv'"))
            g.tables.append(t)
            self.Log(qn(t["schema"], t["name"]), "new table")


# ---- rendering ------------------------------------------------------------------------------------
def RenderColumn(c):
    parts = [q(c["name"])]
    if c["serial"]:
        parts.append(c["serial"])
    else:
        parts.append(c["type"])
    if c["collate"]:
        parts.append(f'COLLATE "{c["collate"]}"')
    if c["identity"]:
        kind, opts = c["identity"]
        s = f"GENERATED {kind} AS IDENTITY"
        o = []
        if "start" in opts:
            o.append(f"START WITH {opts['start']}")
        if "increment" in opts:
            o.append(f"INCREMENT BY {opts['increment']}")
        if "cache" in opts:
            o.append(f"CACHE {opts['cache']}")
        if o:
            s += " (" + " ".join(o) + ")"
        parts.append(s)
    if c["generated"]:
        parts.append(f"GENERATED ALWAYS AS ({c['generated']}) STORED")
    if c["not_null"] and not c["identity"] and not c["serial"]:
        parts.append("NOT NULL")
    if c["default"] is not None:
        parts.append(f"DEFAULT {c['default']}")
    return " ".join(parts)


def RenderFk(k):
    s = (f"FOREIGN KEY ({', '.join(map(q, k['cols']))}) REFERENCES {qn(*k['ref'])} "
         f"({', '.join(map(q, k['ref_cols']))})")
    if k["match_full"]:
        s += " MATCH FULL"
    if k["on_update"] != "NO ACTION":
        s += f" ON UPDATE {k['on_update']}"
    if k["on_delete"] != "NO ACTION":
        s += f" ON DELETE {k['on_delete']}"
        if k["set_null_cols"]:
            s += f" ({', '.join(map(q, k['set_null_cols']))})"
    if k["deferrable"]:
        s += " DEFERRABLE" + (" INITIALLY DEFERRED" if k["deferred"] else "")
    return s


def RenderConstraint(k):
    pre = f"CONSTRAINT {q(k['name'])} " if k["name"] else ""
    if k["type"] == "check":
        return pre + f"CHECK ({k['expr']})" + (" NO INHERIT" if k.get("no_inherit") else "")
    if k["type"] == "unique":
        s = pre + "UNIQUE" + (" NULLS NOT DISTINCT" if k["nnd"] else "") + f" ({', '.join(map(q, k['cols']))})"
        if k["include"]:
            s += f" INCLUDE ({', '.join(map(q, k['include']))})"
        return s
    return pre + RenderFk(k)


def RenderIndex(t, ix):
    elems = []
    for e in ix["elems"]:
        s = q(e["col"]) if e.get("col") else f"({e['expr']})"
        if e.get("collate"):
            s += f' COLLATE "{e["collate"]}"'
        if e.get("opclass"):
            s += f" {e['opclass']}"
        if e.get("desc"):
            s += " DESC"
        if e.get("nulls"):
            s += f" NULLS {e['nulls']}"
        elems.append(s)
    s = "CREATE " + ("UNIQUE " if ix["unique"] else "") + f"INDEX {q(ix['name'])} ON {qn(t['schema'], t['name'])}"
    if ix["method"] != "btree":
        s += f" USING {ix['method']}"
    s += f" ({', '.join(elems)})"
    if ix["include"]:
        s += f" INCLUDE ({', '.join(map(q, ix['include']))})"
    if ix["nnd"]:
        s += " NULLS NOT DISTINCT"
    if ix["params"]:
        s += " WITH (" + ", ".join(f"{k} = {v}" for k, v in sorted(ix["params"].items())) + ")"
    if ix["where"]:
        s += f" WHERE {ix['where']['expr']}"
    out = [s + ";"]
    if ix["comment"]:
        out.append(f"COMMENT ON INDEX {qn(t['schema'], ix['name'])} IS {lit(ix['comment'])};")
    return out


def RenderTable(t):
    name = qn(t["schema"], t["name"])
    lines = [RenderColumn(c) for c in t["columns"]]
    if t["pk"]:
        lines.append(f"PRIMARY KEY ({', '.join(map(q, t['pk']))})")
    late = []
    for k in t["constraints"]:
        if k.get("cycle_after") or k.get("not_valid"):
            continue
        lines.append(RenderConstraint(k))
    out = ["CREATE " + ("UNLOGGED " if t["unlogged"] else "") + f"TABLE {name} (",
           ",\n".join("    " + x for x in lines), ")" + (
               " WITH (" + ", ".join(f"{k} = {v}" for k, v in sorted(t["options"].items())) + ")"
               if t["options"] else "") + ";"]
    for k in t["constraints"]:
        if k.get("not_valid") and not k.get("cycle_after"):
            late.append(f"ALTER TABLE {name} ADD {RenderConstraint(k)} NOT VALID;")
    out += late
    if t["comment"]:
        out.append(f"COMMENT ON TABLE {name} IS {lit(t['comment'])};")
    for c in t["columns"]:
        if c["comment"]:
            out.append(f"COMMENT ON COLUMN {name}.{q(c['name'])} IS {lit(c['comment'])};")
    for k in t["constraints"]:
        if k.get("comment") and k["name"] and not k.get("cycle_after"):
            out.append(f"COMMENT ON CONSTRAINT {q(k['name'])} ON {name} IS {lit(k['comment'])};")
    for ix in t["indexes"]:
        out += RenderIndex(t, ix)
    return "\n".join(out) + "\n"


def RenderSequence(s):
    o = s["opts"]
    parts = [f"CREATE SEQUENCE {qn(s['schema'], s['name'])} AS {o['as']}", f"INCREMENT BY {o['increment']}"]
    if "minvalue" in o:
        parts.append(f"MINVALUE {o['minvalue']}")
    if "maxvalue" in o:
        parts.append(f"MAXVALUE {o['maxvalue']}")
    if "start" in o:
        parts.append(f"START WITH {o['start']}")
    if "cache" in o:
        parts.append(f"CACHE {o['cache']}")
    parts.append("CYCLE" if o.get("cycle") else "NO CYCLE")
    out = ["\n    ".join(parts) + ";"]
    if s["comment"]:
        out.append(f"COMMENT ON SEQUENCE {qn(s['schema'], s['name'])} IS {lit(s['comment'])};")
    return "\n".join(out) + "\n"


def Render(g, version):
    files = {}
    head = [f"-- Generated by bench/gen_schema.py (version {version}): schemas, enum types, sequences.\n"]
    for s in g.schemas:
        if s.get("new"):
            continue
        if not s["builtin"]:
            head.append(f"CREATE SCHEMA {q(s['name'])};")
        if s["comment"]:
            head.append(f"COMMENT ON SCHEMA {q(s['name'])} IS {lit(s['comment'])};")
    head.append("")
    for e in g.enums:
        if e.get("new"):
            continue
        head.append(f"CREATE TYPE {qn(e['schema'], e['name'])} AS ENUM ({', '.join(map(lit, e['values']))});")
        if e["comment"]:
            head.append(f"COMMENT ON TYPE {qn(e['schema'], e['name'])} IS {lit(e['comment'])};")
    head.append("")
    for s in g.sequences:
        head.append(RenderSequence(s))
    files["000_types.sql"] = "\n".join(head) + "\n"

    owned = {}
    for s in g.sequences:
        if s["owned_by"]:
            owned.setdefault(s["owned_by"][:2], []).append(s)
    back_edges = {}
    by_key = {(t["schema"], t["name"]): t for t in g.tables}
    for t in g.tables:
        for k in t["constraints"]:
            if k.get("cycle_after"):
                back_edges.setdefault(k["cycle_after"], []).append((t, k))

    old = [t for t in g.tables if not t.get("new")]
    new = [t for t in g.tables if t.get("new")]
    for t in old:
        fname = f"{1 + t['idx'] // TABLES_PER_FILE:03d}_tables.sql"
        files.setdefault(fname, f"-- Generated by bench/gen_schema.py (version {version}).\n")
        body = RenderTable(t)
        for s in owned.get((t["schema"], t["name"]), []):
            body += f"ALTER SEQUENCE {qn(s['schema'], s['name'])} OWNED BY {qn(t['schema'], t['name'])}.{q(s['owned_by'][2])};\n"
        for (a, k) in back_edges.get(t["idx"], []):
            if (a["schema"], a["name"]) in by_key:
                body += f"ALTER TABLE {qn(a['schema'], a['name'])} ADD {RenderConstraint(k)};\n"
        files[fname] += "\n" + body
    if new:
        body = [f"-- Generated by bench/gen_schema.py (version {version}): tables new in version 2.\n"]
        for s in g.schemas:
            if s.get("new"):
                body.append(f"CREATE SCHEMA {q(s['name'])};")
                if s["comment"]:
                    body.append(f"COMMENT ON SCHEMA {q(s['name'])} IS {lit(s['comment'])};")
        for e in g.enums:
            if e.get("new"):
                body.append(f"CREATE TYPE {qn(e['schema'], e['name'])} AS ENUM ({', '.join(map(lit, e['values']))});")
        for t in new:
            body.append("\n" + RenderTable(t))
        files["900_new_tables.sql"] = "\n".join(body)
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, required=True, help="number of tables in version 1 (>= 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--version", type=int, choices=[1, 2], default=1)
    ap.add_argument("--out", required=True, help="output directory (created; existing *.sql in it are removed)")
    ap.add_argument("--changelog", help="version 2: write the list of changes to this file")
    a = ap.parse_args()
    if a.tables < 2:
        ap.error("--tables must be at least 2")
    g = Gen(a.tables, a.seed)
    g.Build()
    log = []
    if a.version == 2:
        ch = Changer(g, a.seed)
        ch.Run()
        log = ch.log
    files = Render(g, a.version)
    os.makedirs(a.out, exist_ok=True)
    for f in sorted(os.listdir(a.out)):
        if f.endswith(".sql"):
            os.remove(os.path.join(a.out, f))
    for name, text in sorted(files.items()):
        with open(os.path.join(a.out, name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    if a.changelog:
        with open(a.changelog, "w", encoding="utf-8") as fh:
            fh.write("\n".join(log) + ("\n" if log else ""))
    print(f"wrote {len(files)} files, {sum(1 for t in g.tables)} tables, "
          f"{len(log)} changes to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
