-- kpi_hourly: the load curve of day $dt per shop and local hour (0-23, in
-- the business time zone), every hour present (zeros included) for staffing:
-- sessions and calls started, customer messages and utterances sent.
WITH shops AS (
    SELECT DISTINCT shop_id FROM session_facts WHERE dt = $dt
),
hours AS (
    SELECT shop_id, CAST(h.value AS INT) AS hour FROM shops CROSS JOIN (SELECT unnest(range(0, 24)) AS value) AS h
),
started AS (
    SELECT shop_id, CAST(date_part('hour', local_time(started_at, $timezone)) AS INT) AS hour,
        COUNT(*) AS sessions,
        SUM(CASE WHEN channel = 'call' THEN 1 ELSE 0 END) AS calls
    FROM session_facts
    WHERE dt = $dt
    GROUP BY 1, 2
),
sent AS (
    SELECT shop_id, CAST(date_part('hour', local_time(sent_at, $timezone)) AS INT) AS hour, COUNT(*) AS customer_messages
    FROM message_insights
    WHERE dt = $dt AND sender = 'customer'
    GROUP BY 1, 2
)
SELECT
    h.shop_id,
    h.hour,
    COALESCE(s.sessions, 0) AS sessions,
    COALESCE(s.calls, 0) AS calls,
    COALESCE(m.customer_messages, 0) AS customer_messages
FROM hours h
LEFT JOIN started s ON s.shop_id = h.shop_id AND s.hour = h.hour
LEFT JOIN sent m ON m.shop_id = h.shop_id AND m.hour = h.hour
ORDER BY h.shop_id, h.hour
