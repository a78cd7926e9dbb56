-- presale_outcomes: one row per (customer, shop) with a pre-sale session on $dt
-- (presale_sessions, job session_subjects). Converted: paid an order with the
-- shop on $dt .. $dt + $conversion_days (local dates). The agent and category
-- are those of the customer's last pre-sale session with the shop; the
-- category that of presale_sessions (product card; else the first order placed after the session
-- that day; else the shop's only category); else the order paid (T+1); else 未识别.
-- Reasons: config/presale_loss.toml.
WITH consult AS (
    SELECT *
    FROM (
        SELECT s.*, p.category AS session_category,
            ROW_NUMBER() OVER (PARTITION BY s.customer_id, s.shop_id ORDER BY s.started_at DESC, s.session_id DESC) AS k
        FROM session_facts s
        JOIN presale_sessions p ON p.session_id = s.session_id AND p.dt = CAST($dt AS VARCHAR)
        WHERE s.dt = $dt AND s.channel = 'chat'
    ) x
    WHERE k = 1
),
paid AS (
    SELECT shop_id, customer_id, category, order_id
    FROM (
        SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.shop_id, o.customer_id ORDER BY o.paid_at, o.order_id) AS k
        FROM orders o
        WHERE o.paid_at IS NOT NULL
          AND CAST(local_time(o.paid_at, $timezone) AS DATE) BETWEEN $dt AND $dt + $conversion_days
    ) x
    WHERE k = 1
),
last_msgs AS (
    SELECT session_id, message_id, content_masked
    FROM (
        SELECT m.session_id, m.message_id, m.content_masked,
            ROW_NUMBER() OVER (PARTITION BY m.session_id ORDER BY m.sent_at DESC, m.message_id DESC) AS k
        FROM message_insights m
        JOIN consult c ON c.session_id = m.session_id
        WHERE m.dt = $dt AND m.sender = 'customer' AND m.msg_type = 'text'
    ) x
    WHERE k <= $last_messages
),
word_reasons AS (
    SELECT l.session_id, r.id AS reason, MIN(concat(l.message_id, '：', substr(l.content_masked, 1, 60))) AS evidence
    FROM last_msgs l
    JOIN loss_reasons r ON r.kind = 'words'
    WHERE cardinality(match_words(l.content_masked, r.words)) > 0
    GROUP BY l.session_id, r.id
),
service_reasons AS (
    SELECT c.session_id, r.id AS reason,
        CASE WHEN r.kind = 'no_reply' THEN '最后一条客户消息无人回复'
             ELSE concat('等待回复最长 ', CAST(CAST(round(GREATEST(COALESCE(c.first_response_s, 0), COALESCE(c.max_reply_s, 0))) AS BIGINT) AS VARCHAR), ' 秒') END AS evidence
    FROM consult c
    JOIN loss_reasons r ON r.kind IN ('no_reply', 'slow_reply')
    WHERE (r.kind = 'no_reply' AND c.ended_unanswered)
       OR (r.kind = 'slow_reply' AND GREATEST(COALESCE(c.first_response_s, 0), COALESCE(c.max_reply_s, 0)) > r.threshold_s)
),
reasons AS (
    SELECT * FROM word_reasons UNION ALL SELECT * FROM service_reasons
),
reason_lists AS (
    SELECT session_id, sorted_list(reason) AS reasons, MIN(concat(reason, ' ', evidence)) AS evidence
    FROM reasons
    GROUP BY session_id
)
SELECT
    c.customer_id,
    c.shop_id,
    c.session_id,
    c.agent_id,
    COALESCE(c.session_category, p.category, '未识别') AS category,
    p.order_id IS NOT NULL AS converted,
    p.order_id,
    CASE WHEN p.order_id IS NULL THEN COALESCE(rl.reasons, make_array('other')) END AS loss_reasons,
    CASE WHEN p.order_id IS NULL THEN rl.evidence END AS evidence
FROM consult c
LEFT JOIN paid p ON p.shop_id = c.shop_id AND p.customer_id = c.customer_id
LEFT JOIN reason_lists rl ON rl.session_id = c.session_id
ORDER BY c.shop_id, c.customer_id
