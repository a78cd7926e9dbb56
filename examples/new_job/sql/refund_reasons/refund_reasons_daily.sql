-- refund_reasons_daily: refunds of day $dt per shop and reason code. The engine adds the dt column
-- from the partition it writes; the SELECT must not have one.
SELECT
    shop_id,
    reason_code,
    COUNT(*) AS refunds,
    CAST(COUNT(*) AS DOUBLE) / SUM(COUNT(*)) OVER (PARTITION BY shop_id) AS share_of_shop,
    SUM(amount) AS amount
FROM refunds
GROUP BY shop_id, reason_code
HAVING COUNT(*) >= $min_refunds
ORDER BY shop_id, refunds DESC, reason_code
