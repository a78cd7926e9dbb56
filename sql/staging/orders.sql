-- Staging view for orders: maps the raw dump (raw.orders) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    order_id,
    platform,
    shop_id,
    customer_id,
    product_id,
    sku_id,
    category,
    quantity,
    amount,
    created_at,
    paid_at,
    shipped_at,
    delivered_at,
    status,
    dt
FROM raw.orders
