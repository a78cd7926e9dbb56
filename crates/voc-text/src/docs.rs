//! The SQL functions built on this crate, documented once here so `voc functions` and the UDF
//! layer print the same text.

/// Documentation of one SQL function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionDoc {
    pub name: &'static str,
    pub signature: &'static str,
    pub returns: &'static str,
    /// One line.
    pub doc: &'static str,
    /// A runnable SQL example.
    pub example: &'static str,
}

const DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "segment",
        signature: "segment(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "Words of the text: jieba accurate mode with HMM plus the domain dictionary (config/dict); no punctuation or emoji",
        example: "SELECT segment('七天无理由退货，运费险有吗')",
    },
    FunctionDoc {
        name: "keywords",
        signature: "keywords(text VARCHAR, k INT DEFAULT 5)",
        returns: "LIST<VARCHAR>",
        doc: "Top-k TF-IDF keywords; service boilerplate (亲, 您好, 请问) weighs little and stop words never appear",
        example: "SELECT keywords('亲，这款羽绒服充绒量是多少，会不会钻绒', 3)",
    },
    FunctionDoc {
        name: "sentiment",
        signature: "sentiment(text VARCHAR)",
        returns: "DOUBLE",
        doc: "Sentiment score in [-1, 1]: P(positive) - P(negative) of the learned model (config/sentiment/model.tsv) over words, characters and the lexicon rules' total (negation, degree, contrast, emoji)",
        example: "SELECT sentiment('物流太慢了，差评')",
    },
    FunctionDoc {
        name: "sentiment_label",
        signature: "sentiment_label(text VARCHAR)",
        returns: "VARCHAR",
        doc: "positive | neutral | negative: the most probable class of the learned model (rules alone: score at or beyond ±0.15)",
        example: "SELECT sentiment_label('质量不错，就是物流有点慢')",
    },
    FunctionDoc {
        name: "sentiment_evidence",
        signature: "sentiment_evidence(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "The cues that decided the sentiment: rule cues such as 非常+好(+1.8), 不+满意(neg,-1.2), 但是→later clause x1.5, the learned features that pushed most, learned:太差(-1.2), and the rules' share, rules→-0.9",
        example: "SELECT sentiment_evidence('不太满意，但是客服态度很好')",
    },
    FunctionDoc {
        name: "intent",
        signature: "intent(text VARCHAR)",
        returns: "VARCHAR",
        doc: "presale | aftersale | logistics | refund_return | complaint | chitchat | other: the learned model (config/intent_model.tsv) over characters and the rules of config/intent.toml that fired",
        example: "SELECT intent('再不处理我就打12315投诉')",
    },
    FunctionDoc {
        name: "tags",
        signature: "tags(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "Issue tags (物流慢, 破损, 质量问题 …): the rules of config/taxonomy.toml, then the tags the learned model (config/tags_model.tsv) adds",
        example: "SELECT tags('外包装没有破损，但是衣服起球了')",
    },
    FunctionDoc {
        name: "aspects",
        signature: "aspects(text VARCHAR)",
        returns: "LIST<STRUCT<aspect VARCHAR, polarity VARCHAR, evidence VARCHAR>>",
        doc: "Aspect mentions (质量, 尺码, 物流 …) with the polarity of the opinion next to them",
        example: "SELECT aspects('质量很好，物流太慢')",
    },
    FunctionDoc {
        name: "mask_pii",
        signature: "mask_pii(text VARCHAR)",
        returns: "VARCHAR",
        doc: "Text with phones, landlines, ID cards, bank cards, e-mails, addresses and names masked, shape kept; order numbers untouched",
        example: "SELECT mask_pii('电话138 1234 5678，订单号1234567890123456789')",
    },
    FunctionDoc {
        name: "has_pii",
        signature: "has_pii(text VARCHAR)",
        returns: "BOOLEAN",
        doc: "Whether mask_pii would change anything",
        example: "SELECT has_pii('收件人：张三，手机+86 13812345678')",
    },
    FunctionDoc {
        name: "extract_order_ids",
        signature: "extract_order_ids(text VARCHAR)",
        returns: "LIST<VARCHAR>",
        doc: "Order numbers (Tmall/Taobao 18–19 digits, JD 12, Douyin 19, PDD 6-15 with a dash, or any 10–20 digits after 订单号), unique, in order",
        example: "SELECT extract_order_ids('订单号：3456789012345678901 还没发货')",
    },
    FunctionDoc {
        name: "normalize_question",
        signature: "normalize_question(text VARCHAR)",
        returns: "VARCHAR",
        doc: "Canonical form of a customer question (发货时间, 有货, 尺码推荐 …) or the cleaned question",
        example: "SELECT normalize_question('亲，170斤穿多大码呀？')",
    },
    FunctionDoc {
        name: "analyze_text",
        signature: "analyze_text(text VARCHAR)",
        returns: "STRUCT<tokens, keywords, sentiment, sentiment_label, sentiment_evidence, intent, tags, aspects, has_pii, masked, order_ids>",
        doc: "Everything above from one segmentation pass; each field equals its single function",
        example: "SELECT shop_id, analyze_text(content)['intent'], analyze_text(content)['tags'] FROM chat_messages LIMIT 10",
    },
    FunctionDoc {
        name: "top_terms",
        signature: "top_terms(terms LIST<VARCHAR>, k INT DEFAULT 10)",
        returns: "LIST<VARCHAR> (aggregate)",
        doc: "Aggregate: the k most frequent terms over the lists of a group, most frequent first (ties by term)",
        example: "SELECT shop_id, top_terms(keywords(content, 5), 10) FROM chat_messages GROUP BY shop_id",
    },
];

/// Every SQL function backed by this crate, for `voc functions`.
pub fn function_docs() -> &'static [FunctionDoc] {
    DOCS
}
