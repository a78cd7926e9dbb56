-- Staging view for reviews: maps the raw dump (raw.reviews) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    review_id,
    order_id,
    platform,
    shop_id,
    customer_id,
    product_id,
    sku_id,
    rating,
    content,
    created_at,
    is_append,
    dt
FROM raw.reviews
