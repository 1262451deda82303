-- Shared types of the demo shop.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'refunded');
