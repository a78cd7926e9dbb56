-- Staging view for refunds: maps the raw dump (raw.refunds) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    refund_id,
    order_id,
    shop_id,
    customer_id,
    product_id,
    sku_id,
    refund_type,
    reason_code,
    reason_text,
    amount,
    applied_at,
    completed_at,
    status,
    dt
FROM raw.refunds
