-- product_issue_pool: aspect opinions about each product over the period of
-- $period_days days ending on the run date, against the period before.
-- Sources: reviews (their product), and customer chat messages / call
-- utterances whose product is known: the product card sent in the session
-- (session_products),
-- else the product of an order number mentioned in the session. The aspects
-- are aspects() of the text (config/aspects.toml); evidence is masked.
WITH bounds AS (
    SELECT CAST($run_date AS DATE) - $period_days AS prev_end, CAST($run_date AS DATE) - 2 * $period_days AS prev_start
),
products_now AS (
    SELECT product_id, shop_id, product_name, category FROM products WHERE dt = CAST($run_date AS VARCHAR)
),
card_product AS (
    SELECT session_id, product_id FROM session_products
),
order_product AS (
    SELECT session_id, product_id
    FROM (
        SELECT m.session_id, o.product_id, ROW_NUMBER() OVER (PARTITION BY m.session_id ORDER BY m.sent_at, o.order_id) AS k
        FROM (SELECT session_id, sent_at, customer_id, unnest(order_ids) AS order_id FROM message_insights
              WHERE cardinality(order_ids) > 0) m
        JOIN orders o ON o.order_id = m.order_id AND o.customer_id = m.customer_id
    ) x
    WHERE k = 1
),
product_messages AS (
    SELECT m.dt, m.channel AS source, m.message_id AS source_id, COALESCE(c.product_id, o.product_id) AS item, m.aspects
    FROM message_insights m
    LEFT JOIN card_product c ON c.session_id = m.session_id
    LEFT JOIN order_product o ON o.session_id = m.session_id
    WHERE m.sender = 'customer' AND cardinality(m.aspects) > 0 AND COALESCE(c.product_id, o.product_id) IS NOT NULL
),
message_mentions AS (
    SELECT dt, source, source_id, item AS product_id, unnest(aspects) AS a FROM product_messages
),
review_mentions AS (
    SELECT dt, 'review' AS source, review_id AS source_id, product_id, unnest(aspects(mask_pii(content))) AS a
    FROM reviews
    WHERE content IS NOT NULL
),
mentions AS (
    SELECT x.*, CASE WHEN CAST(x.dt AS DATE) > b.prev_end THEN 'current' ELSE 'previous' END AS period,
        x.a['aspect'] AS aspect, x.a['polarity'] = 'negative' AS negative, x.a['evidence'] AS evidence
    FROM (SELECT * FROM message_mentions UNION ALL SELECT * FROM review_mentions) x
    CROSS JOIN bounds b
    WHERE CAST(x.dt AS DATE) > b.prev_start
),
counted AS (
    SELECT
        product_id,
        aspect,
        SUM(CASE WHEN period = 'current' THEN 1 ELSE 0 END) AS mentions,
        SUM(CASE WHEN period = 'current' AND negative THEN 1 ELSE 0 END) AS negative_mentions,
        SUM(CASE WHEN period = 'previous' THEN 1 ELSE 0 END) AS prev_mentions,
        SUM(CASE WHEN period = 'previous' AND negative THEN 1 ELSE 0 END) AS prev_negative_mentions,
        SUM(CASE WHEN period = 'current' AND source = 'chat' THEN 1 ELSE 0 END) AS chat_mentions,
        SUM(CASE WHEN period = 'current' AND source = 'call' THEN 1 ELSE 0 END) AS call_mentions,
        SUM(CASE WHEN period = 'current' AND source = 'review' THEN 1 ELSE 0 END) AS review_mentions
    FROM mentions
    GROUP BY product_id, aspect
),
examples AS (
    SELECT product_id, aspect, array_slice(sorted_list(concat(source_id, '：', evidence)), 1, 3) AS example_evidence
    FROM mentions
    WHERE period = 'current' AND negative
    GROUP BY product_id, aspect
)
SELECT
    concat(CAST(b.prev_end + 1 AS VARCHAR), '..', CAST($run_date AS VARCHAR)) AS period,
    c.product_id,
    p.product_name,
    p.shop_id,
    p.category,
    c.aspect,
    c.mentions,
    c.negative_mentions,
    CAST(c.negative_mentions AS DOUBLE) / c.mentions AS negative_rate,
    c.prev_mentions,
    c.prev_negative_mentions,
    CAST(c.prev_negative_mentions AS DOUBLE) / NULLIF(c.prev_mentions, 0) AS prev_negative_rate,
    CAST(c.negative_mentions AS DOUBLE) / c.mentions
        - CAST(c.prev_negative_mentions AS DOUBLE) / NULLIF(c.prev_mentions, 0) AS trend,
    c.chat_mentions,
    c.call_mentions,
    c.review_mentions,
    e.example_evidence
FROM counted c
CROSS JOIN bounds b
LEFT JOIN products_now p ON p.product_id = c.product_id
LEFT JOIN examples e ON e.product_id = c.product_id AND e.aspect = c.aspect
WHERE c.mentions > 0
ORDER BY c.negative_mentions DESC, c.product_id, c.aspect
