-- Staging view for customers: maps the raw dump (raw.customers) onto the canonical
-- contract. A shop whose dump names or types columns differently edits this
-- SELECT (rename with AS, convert with CAST), not Rust. dt comes from the path.
SELECT
    customer_id,
    nickname,
    member_level,
    gender,
    province,
    city,
    registered_at,
    dt
FROM raw.customers
