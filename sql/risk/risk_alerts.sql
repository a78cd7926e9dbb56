-- risk_alerts: alerts raised on the run date. alert_id is a stable hash of
-- (alert type, rule, subject), so a re-run yields the same ids. Evidence
-- quotes content_masked only. Kinds and parameters: config/risk.toml.
WITH severity_rank AS (
    SELECT * FROM (VALUES ('critical', 4), ('high', 3), ('medium', 2), ('low', 1)) AS t(severity, rank)
),
customer_msgs AS (
    SELECT session_id, channel, shop_id, customer_id, message_id, sent_at, content_masked, sentiment, intent
    FROM message_insights
    WHERE dt = $run_date AND sender = 'customer'
),
word_hits AS (
    SELECT m.*, w.severity, w.alert_type, match_words(m.content_masked, w.words) AS found
    FROM customer_msgs m
    CROSS JOIN risk_words w
),
word_alerts AS (
    -- per session and alert type: every word found, the highest severity, the first message
    SELECT
        h.session_id,
        h.alert_type,
        MAX(h.channel) AS channel,
        MAX(h.shop_id) AS shop_id,
        MAX(h.customer_id) AS customer_id,
        MAX(r.rank) AS rank,
        array_distinct(flatten(array_agg(h.found ORDER BY h.sent_at, h.message_id))) AS words,
        MIN(h.sent_at) AS first_seen_at,
        first_value(concat(h.message_id, '：', substr(h.content_masked, 1, 80)) ORDER BY h.sent_at, h.message_id) AS snippet
    FROM word_hits h
    JOIN severity_rank r ON r.severity = h.severity
    WHERE cardinality(h.found) > 0
    GROUP BY h.session_id, h.alert_type
),
word_alert_rows AS (
    SELECT
        a.alert_type,
        CAST(NULL AS VARCHAR) AS rule_id,
        s.severity,
        a.customer_id,
        a.shop_id,
        a.session_id,
        a.channel,
        concat('「', array_to_string(a.words, '、'), '」 ', a.snippet) AS evidence,
        a.first_seen_at,
        CAST(NULL AS BIGINT) AS contacts
    FROM word_alerts a
    JOIN severity_rank s ON s.rank = a.rank
),
contacts AS (
    SELECT session_id AS contact_id, 'chat' AS channel, customer_id, shop_id, started_at, CAST(dt AS DATE) AS day
    FROM chat_sessions
    UNION ALL
    SELECT call_id, 'call', MAX(customer_id), MAX(shop_id), MIN(call_started_at), CAST(MIN(dt) AS DATE)
    FROM call_transcripts
    GROUP BY call_id
),
repeat_alerts AS (
    SELECT
        concat('repeat_contact_', CAST(r.window_days AS VARCHAR), 'd') AS alert_type,
        r.id AS rule_id,
        r.severity,
        c.customer_id,
        c.shop_id,
        -- the latest contact: where a manager starts reading
        last_value(c.contact_id ORDER BY c.started_at, c.contact_id) AS session_id,
        last_value(c.channel ORDER BY c.started_at, c.contact_id) AS channel,
        concat(
            CAST(COUNT(*) AS VARCHAR), ' 次联系 / ', CAST(r.window_days AS VARCHAR), ' 天（会话 ',
            CAST(SUM(CASE WHEN c.channel = 'chat' THEN 1 ELSE 0 END) AS VARCHAR), '，电话 ',
            CAST(SUM(CASE WHEN c.channel = 'call' THEN 1 ELSE 0 END) AS VARCHAR), '）：',
            array_to_string(array_agg(c.contact_id ORDER BY c.started_at, c.contact_id), ', ')
        ) AS evidence,
        MIN(c.started_at) AS first_seen_at,
        COUNT(*) AS contacts
    FROM contacts c
    JOIN risk_rules r ON r.kind = 'repeat_contact'
    WHERE c.day <= $run_date AND c.day + r.window_days > $run_date
    GROUP BY r.id, r.window_days, r.severity, r.min_contacts, c.customer_id, c.shop_id
    -- a customer stays on the radar while the window holds min_contacts, even
    -- on a day without a new contact (alert_id differs per run date)
    HAVING COUNT(*) >= r.min_contacts
),
escalations AS (
    SELECT
        m.*,
        MAX(m.sentiment) OVER (
            PARTITION BY m.session_id ORDER BY m.sent_at, m.message_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS best_before
    FROM customer_msgs m
),
escalation_alerts AS (
    SELECT
        'negative_escalation' AS alert_type,
        r.id AS rule_id,
        r.severity,
        MAX(e.customer_id) AS customer_id,
        MAX(e.shop_id) AS shop_id,
        e.session_id,
        MAX(e.channel) AS channel,
        first_value(concat('情绪 ', CAST(round(e.best_before, 2) AS VARCHAR), ' → ', CAST(round(e.sentiment, 2) AS VARCHAR), '：',
                           e.message_id, '：', substr(e.content_masked, 1, 80)) ORDER BY e.sent_at, e.message_id) AS evidence,
        MIN(e.sent_at) AS first_seen_at,
        CAST(NULL AS BIGINT) AS contacts
    FROM escalations e
    JOIN risk_rules r ON r.kind = 'negative_escalation'
    WHERE e.best_before >= r.from_at_least AND e.sentiment <= r.to_at_most
    GROUP BY r.id, r.severity, e.session_id
),
complaint_sessions AS (
    SELECT session_id, MAX(channel) AS channel, MAX(shop_id) AS shop_id, MAX(customer_id) AS customer_id,
        MIN(sent_at) AS first_seen_at,
        first_value(concat(message_id, '：', substr(content_masked, 1, 80)) ORDER BY sent_at, message_id) AS snippet
    FROM customer_msgs
    WHERE intent = 'complaint'
       OR session_id IN (SELECT session_id FROM word_alerts WHERE alert_type = 'high_risk_complaint')
    GROUP BY session_id
),
vip_alerts AS (
    SELECT
        'vip_complaint' AS alert_type,
        r.id AS rule_id,
        r.severity,
        s.customer_id,
        s.shop_id,
        s.session_id,
        s.channel,
        concat('会员等级 ', c.member_level, '：', s.snippet) AS evidence,
        s.first_seen_at,
        CAST(NULL AS BIGINT) AS contacts
    FROM complaint_sessions s
    JOIN customers c ON c.customer_id = s.customer_id AND c.dt = CAST($run_date AS VARCHAR)
    JOIN risk_rules r ON r.kind = 'vip_complaint' AND array_has(r.member_levels, c.member_level)
),
alerts AS (
    SELECT * FROM word_alert_rows
    UNION ALL SELECT * FROM repeat_alerts
    UNION ALL SELECT * FROM escalation_alerts
    UNION ALL SELECT * FROM vip_alerts
)
SELECT
    substr(md5(concat(alert_type, '|', COALESCE(rule_id, ''), '|', customer_id, '|', shop_id, '|',
                      CASE WHEN alert_type LIKE 'repeat_contact%' THEN CAST($run_date AS VARCHAR) ELSE session_id END)), 1, 20) AS alert_id,
    alert_type,
    severity,
    rule_id,
    customer_id,
    shop_id,
    session_id,
    channel,
    evidence,
    first_seen_at,
    contacts
FROM alerts
ORDER BY alert_type, customer_id, shop_id, session_id
