-- Staging view for products: maps the raw dump (raw.products) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    product_id,
    shop_id,
    product_name,
    category,
    price,
    listed_at,
    dt
FROM raw.products
