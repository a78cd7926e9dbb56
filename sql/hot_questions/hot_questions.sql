-- hot_questions: the most asked pre-sale questions per product category, for
-- the run date (window '1d') and the 7 days ending on it ('7d').
--
-- A pre-sale session is a chat session with at least one customer message of
-- intent presale; its questions are the customer's text messages that match
-- $question_pattern (thanks, greetings and 转人工 do not), grouped by
-- normalize_question (greetings, particles, sizes and punctuation dropped,
-- synonyms folded: config/question_synonyms.toml). The category of a
-- session is, in this order: the product card the customer sent in it
-- (session_products); the category of the first order the customer
-- placed with the shop that day; the shop's only category; else 未识别.
WITH presale_sessions AS (
    SELECT DISTINCT session_id FROM message_insights WHERE channel = 'chat' AND sender = 'customer' AND intent = 'presale'
),
asked AS (
    SELECT m.dt, m.session_id, m.shop_id, m.customer_id, m.message_id, m.sent_at, m.content_masked,
        normalize_question(m.content_masked) AS question
    FROM message_insights m
    JOIN presale_sessions p ON p.session_id = m.session_id
    WHERE m.channel = 'chat' AND m.sender = 'customer' AND m.msg_type = 'text'
      AND regexp_like(m.content_masked, $question_pattern)
),
products_now AS (
    SELECT shop_id, product_name, category FROM products WHERE dt = CAST($run_date AS VARCHAR)
),
card_category AS (
    SELECT session_id, category FROM session_products
),
sessions AS (
    SELECT session_id, MAX(dt) AS dt, MAX(shop_id) AS shop_id, MAX(customer_id) AS customer_id FROM asked GROUP BY session_id
),
order_category AS (
    SELECT session_id, category
    FROM (
        SELECT s.session_id, o.category,
            ROW_NUMBER() OVER (PARTITION BY s.session_id ORDER BY o.created_at, o.order_id) AS k
        FROM sessions s
        JOIN orders o ON o.customer_id = s.customer_id AND o.shop_id = s.shop_id AND o.dt = s.dt
    ) x
    WHERE k = 1
),
single_category_shops AS (
    SELECT shop_id, MAX(category) AS category FROM products_now GROUP BY shop_id HAVING COUNT(DISTINCT category) = 1
),
session_category AS (
    SELECT s.session_id, COALESCE(c.category, o.category, sc.category, '未识别') AS category
    FROM sessions s
    LEFT JOIN card_category c ON c.session_id = s.session_id
    LEFT JOIN order_category o ON o.session_id = s.session_id
    LEFT JOIN single_category_shops sc ON sc.shop_id = s.shop_id
),
categorised AS (
    SELECT a.*, sc.category FROM asked a JOIN session_category sc ON sc.session_id = a.session_id
),
windows AS (
    SELECT '1d' AS "window", * FROM categorised WHERE dt = CAST($run_date AS VARCHAR)
    UNION ALL
    SELECT '7d' AS "window", * FROM categorised
),
counted AS (
    SELECT
        "window",
        category,
        question,
        COUNT(*) AS asks,
        COUNT(DISTINCT session_id) AS sessions,
        COUNT(DISTINCT customer_id) AS customers,
        array_slice(sorted_list(message_id), 1, 3) AS example_message_ids,
        MIN(content_masked) AS example
    FROM windows
    WHERE question <> ''
    GROUP BY "window", category, question
),
ranked AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY "window", category ORDER BY sessions DESC, asks DESC, question) AS rank
    FROM counted
)
SELECT "window", category, question, rank, asks, sessions, customers, example_message_ids, example
FROM ranked
WHERE rank <= $top_n
ORDER BY "window", category, rank
