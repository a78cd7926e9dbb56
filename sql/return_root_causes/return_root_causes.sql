-- return_root_causes: refunds applied on $dt per shop, product, SKU and root
-- cause. share = refunds of the cause for the product and SKU ÷ all refunds
-- of the product that day, so the shares of one product sum to 1.
WITH per_cause AS (
    SELECT
        shop_id,
        product_id,
        sku_id,
        cause,
        MAX(cause_name) AS cause_name,
        COUNT(*) AS refunds,
        SUM(amount) AS amount,
        SUM(CASE WHEN reason_code = '七天无理由退货' THEN 1 ELSE 0 END) AS seven_day_refunds,
        array_slice(sorted_list(refund_id), 1, 3) AS example_refund_ids,
        MIN(evidence) AS evidence
    FROM refund_causes
    GROUP BY shop_id, product_id, sku_id, cause
)
SELECT
    shop_id,
    product_id,
    sku_id,
    cause,
    cause_name,
    refunds,
    CAST(refunds AS DOUBLE) / SUM(refunds) OVER (PARTITION BY shop_id, product_id) AS share,
    amount,
    seven_day_refunds,
    example_refund_ids,
    evidence
FROM per_cause
ORDER BY shop_id, product_id, sku_id, cause
