-- refund_causes: every refund applied on $dt with its root cause
-- (config/return_causes.toml says how a cause is decided).
WITH causes AS (
    SELECT id AS cause, name AS cause_name, priority, codes, words FROM return_causes
),
r AS (
    SELECT * FROM refunds WHERE dt = $dt
),
code_cause AS (
    SELECT r.refund_id, c.cause
    FROM r
    JOIN causes c ON array_has(c.codes, r.reason_code)
),
mentions AS (
    -- customer chat messages that name an order
    SELECT m.message_id, m.customer_id, m.sent_at, m.content_masked, unnest(m.order_ids) AS order_id
    FROM message_insights m
    WHERE m.sender = 'customer' AND cardinality(m.order_ids) > 0
),
texts AS (
    SELECT refund_id, 'reason_text' AS source, 1 AS source_rank, CAST(NULL AS VARCHAR) AS ref, mask_pii(reason_text) AS text,
        applied_at AS at, applied_at
    FROM r
    WHERE reason_text IS NOT NULL
    UNION ALL
    SELECT r.refund_id, 'chat', 2, m.message_id, m.content_masked, m.sent_at, r.applied_at
    FROM r
    JOIN mentions m ON m.order_id = r.order_id AND m.customer_id = r.customer_id
    WHERE date_part('epoch', m.sent_at) BETWEEN date_part('epoch', r.applied_at) - $chat_days_before * 86400
                                            AND date_part('epoch', r.applied_at) + $chat_days_after * 86400
    UNION ALL
    SELECT r.refund_id, 'review', 3, v.review_id, mask_pii(v.content), v.created_at, r.applied_at
    FROM r
    JOIN reviews v ON v.order_id = r.order_id
    WHERE v.content IS NOT NULL
),
text_hits AS (
    SELECT t.*, c.cause, c.priority, match_words(t.text, c.words) AS found
    FROM texts t
    CROSS JOIN causes c
),
text_cause AS (
    SELECT refund_id, source, ref, text, cause, found
    FROM (
        -- the refund's own text first, then the chat message nearest to the application
        -- (a customer may also chat about the same order for other reasons), then the review
        SELECT *, ROW_NUMBER() OVER (
            PARTITION BY refund_id
            ORDER BY source_rank, abs(date_part('epoch', at) - date_part('epoch', applied_at)), priority, ref
        ) AS k
        FROM text_hits
        WHERE cardinality(found) > 0
    ) x
    WHERE k = 1
)
SELECT
    r.refund_id,
    r.order_id,
    r.shop_id,
    r.customer_id,
    r.product_id,
    r.sku_id,
    r.refund_type,
    r.reason_code,
    r.amount,
    r.applied_at,
    r.status,
    COALESCE(cc.cause, tc.cause, 'unknown') AS cause,
    COALESCE(c.cause_name, '未说明') AS cause_name,
    CASE WHEN cc.cause IS NOT NULL THEN 'reason_code' WHEN tc.cause IS NOT NULL THEN tc.source ELSE 'none' END AS cause_source,
    CASE
        WHEN cc.cause IS NOT NULL THEN concat('原因：', r.reason_code)
        WHEN tc.cause IS NOT NULL THEN concat('「', array_to_string(tc.found, '、'), '」 ', COALESCE(tc.ref, '退款说明'), '：', substr(tc.text, 1, 80))
        ELSE concat('原因：', r.reason_code, '（无说明）')
    END AS evidence
FROM r
LEFT JOIN code_cause cc ON cc.refund_id = r.refund_id
LEFT JOIN text_cause tc ON tc.refund_id = r.refund_id
LEFT JOIN causes c ON c.cause = COALESCE(cc.cause, tc.cause)
ORDER BY r.refund_id
