//! Text banks: product catalogue, questions with paraphrases, dialogue lines,
//! planted violation phrases, review templates, names and places.
//!
//! Rules the generator relies on (checked by tests):
//! * normal agent/bot/system lines never contain a [`FORBIDDEN_WORDS`] entry;
//! * no line outside [`COMPLAINT_LINES`] contains a [`HIGH_RISK_WORDS`] entry;
//! * only [`GREETINGS`] contain "您好"/"欢迎" on the agent side, and only
//!   [`CLOSINGS`] contain "祝您"/"随时联系".

pub const PLATFORMS: &[&str] = &["tmall", "jd", "douyin", "pdd"];

pub const FORBIDDEN_WORDS: &[&str] =
    &["不知道", "你自己看", "爱买不买", "没办法", "跟我没关系", "你烦不烦", "听不懂吗", "找快递去"];

pub const HIGH_RISK_WORDS: &[&str] = &["12315", "投诉", "曝光", "律师", "起诉", "消协", "工商", "媒体"];

/// Rude agent lines: (text, the one forbidden word it contains).
pub const RUDE_LINES: &[(&str, &str)] = &[
    ("这个我也不知道，你问问别人吧", "不知道"),
    ("不知道，系统上看不到", "不知道"),
    ("详情页都写着呢，你自己看", "你自己看"),
    ("你自己看商品页面好吧", "你自己看"),
    ("就这个价，爱买不买", "爱买不买"),
    ("已经最低了，爱买不买吧", "爱买不买"),
    ("这个没办法的，规定就是这样", "没办法"),
    ("没办法，仓库就这么发的", "没办法"),
    ("快递慢跟我没关系啊", "跟我没关系"),
    ("这跟我没关系，是厂家的问题", "跟我没关系"),
    ("你烦不烦啊，一直问", "你烦不烦"),
    ("说了好几遍了，听不懂吗", "听不懂吗"),
    ("物流的问题你找快递去", "找快递去"),
    ("没收到你找快递去问", "找快递去"),
];

/// Escalation lines of complaint sessions: (text, high-risk words in it).
pub const COMPLAINT_LINES: &[(&str, &[&str])] = &[
    ("我要投诉你们！这什么服务", &["投诉"]),
    ("再不给我解决我就打12315", &["12315"]),
    ("我已经打了12315了，你们看着办", &["12315"]),
    ("我会把聊天记录发到网上曝光你们", &["曝光"]),
    ("我已经咨询律师了，准备起诉你们", &["律师", "起诉"]),
    ("找律师跟你们谈", &["律师"]),
    ("我要去消协反映", &["消协"]),
    ("明天就去工商局举报你们店", &["工商"]),
    ("我认识做媒体的朋友，让他们报道一下", &["媒体"]),
    ("平台投诉已经提交了，等着吧😡", &["投诉"]),
    ("不退款我就去法院起诉", &["起诉"]),
];

/// Complaint-session lines that are angry but carry no high-risk word.
pub const ANGRY_LINES: &[&str] =
    &["你们这是什么态度？？", "我等了三天了都没人管", "太气人了😡", "我给差评了啊", "骗子店铺吧", "到底能不能处理"];

pub struct Category {
    pub name: &'static str,
    /// (base name, price low, price high) in yuan
    pub items: &'static [(&'static str, u32, u32)],
    pub prefixes: &'static [&'static str],
    pub suffixes: &'static [&'static str],
    pub skus: SkuKind,
    /// Positive and negative review aspects.
    pub good: &'static [&'static str],
    pub bad: &'static [&'static str],
    /// Category-specific pre-sale questions (index into QUESTIONS).
    pub questions: &'static [usize],
    /// Base refund cause weights, in [`CAUSES`] order.
    pub causes: [f64; 11],
}

#[derive(Clone, Copy)]
pub enum SkuKind {
    Apparel,
    Shoes,
    Colour,
    Volume,
    Plain,
}

pub const CATEGORIES: &[Category] = &[
    Category {
        name: "女装",
        items: &[
            ("碎花连衣裙", 129, 299),
            ("针织开衫", 99, 259),
            ("高腰阔腿裤", 89, 199),
            ("羊毛呢大衣", 399, 1299),
            ("雪纺衬衫", 79, 169),
            ("羽绒服", 399, 999),
            ("半身百褶裙", 69, 159),
            ("卫衣", 89, 199),
            ("牛仔外套", 159, 329),
        ],
        prefixes: &["法式", "韩版", "复古", "简约", "宽松", "修身", "气质", "小香风", "新款"],
        suffixes: &["", "", "女", " 2024秋冬款", " 显瘦"],
        skus: SkuKind::Apparel,
        good: &["面料很舒服", "版型好看", "颜色很正", "上身效果很好", "尺码标准"],
        bad: &["起球严重", "色差很大", "线头很多", "尺码偏小", "洗了掉色"],
        questions: &[10, 11, 12, 13, 14],
        causes: [0.14, 0.30, 0.10, 0.09, 0.03, 0.02, 0.02, 0.04, 0.05, 0.14, 0.07],
    },
    Category {
        name: "男装",
        items: &[
            ("纯棉T恤", 59, 129),
            ("休闲夹克", 199, 459),
            ("商务衬衫", 129, 299),
            ("直筒牛仔裤", 129, 259),
            ("连帽卫衣", 109, 229),
            ("冲锋衣", 299, 799),
            ("POLO衫", 89, 199),
        ],
        prefixes: &["潮牌", "日系", "简约", "宽松", "修身", "加绒", "纯色"],
        suffixes: &["", "男", " 春秋款", " 百搭"],
        skus: SkuKind::Apparel,
        good: &["面料挺括", "做工不错", "穿着舒服", "尺码合适", "很百搭"],
        bad: &["起球", "缩水严重", "线头多", "尺码不准", "褪色"],
        questions: &[10, 11, 12, 14],
        causes: [0.16, 0.28, 0.09, 0.07, 0.04, 0.02, 0.02, 0.04, 0.05, 0.15, 0.08],
    },
    Category {
        name: "鞋靴",
        items: &[
            ("运动跑步鞋", 199, 599),
            ("马丁靴", 199, 459),
            ("帆布鞋", 69, 159),
            ("老爹鞋", 159, 399),
            ("乐福鞋", 159, 359),
            ("雪地靴", 129, 299),
        ],
        prefixes: &["轻便", "透气", "百搭", "增高", "防滑", "真皮"],
        suffixes: &["", " 男女同款", " 新款"],
        skus: SkuKind::Shoes,
        good: &["穿着很舒服", "不磨脚", "鞋底软", "很轻便", "码数标准"],
        bad: &["磨脚", "开胶了", "鞋底太硬", "码数偏小", "有异味"],
        questions: &[10, 15, 16],
        causes: [0.20, 0.30, 0.08, 0.05, 0.04, 0.02, 0.03, 0.04, 0.04, 0.13, 0.07],
    },
    Category {
        name: "美妆护肤",
        items: &[
            ("玻尿酸补水面膜", 59, 159),
            ("烟酰胺精华液", 129, 399),
            ("氨基酸洗面奶", 49, 119),
            ("防晒霜 SPF50+", 79, 199),
            ("丝绒哑光口红", 89, 299),
            ("修护面霜", 159, 599),
            ("卸妆水", 49, 129),
        ],
        prefixes: &["", "清爽", "保湿", "敏感肌", "控油", "旗舰款"],
        suffixes: &["", " 套装", " 正装", " 50ml"],
        skus: SkuKind::Volume,
        good: &["很保湿", "吸收快", "不油腻", "味道好闻", "是正品"],
        bad: &["过敏了", "搓泥", "太油了", "有刺痛感", "感觉不是正品"],
        questions: &[17, 18, 19, 20],
        causes: [0.18, 0.0, 0.15, 0.03, 0.07, 0.05, 0.09, 0.05, 0.08, 0.20, 0.10],
    },
    Category {
        name: "手机数码",
        items: &[
            ("无线蓝牙降噪耳机 Pro", 199, 999),
            ("20000毫安充电宝", 89, 199),
            ("65W氮化镓充电器", 79, 199),
            ("智能手表", 399, 1599),
            ("机械键盘", 199, 599),
            ("平板电脑保护壳", 39, 99),
            ("手机支架", 19, 59),
        ],
        prefixes: &["", "新款", "旗舰", "超薄", "快充", "Max版"],
        suffixes: &["", " 2024款", " 官方正品"],
        skus: SkuKind::Colour,
        good: &["音质很好", "续航给力", "做工精致", "连接很稳", "充电很快"],
        bad: &["续航很差", "连接老断", "用了几天就坏了", "充电发烫", "有杂音"],
        questions: &[21, 22, 23, 24],
        causes: [0.32, 0.0, 0.12, 0.03, 0.06, 0.06, 0.07, 0.05, 0.10, 0.12, 0.07],
    },
    Category {
        name: "家用电器",
        items: &[
            ("空气炸锅", 199, 499),
            ("电热水壶", 79, 199),
            ("扫地机器人", 999, 2999),
            ("吹风机", 149, 599),
            ("破壁料理机", 299, 899),
            ("除螨仪", 199, 459),
            ("电饭煲", 199, 699),
        ],
        prefixes: &["家用", "智能", "大容量", "静音", "多功能", "迷你"],
        suffixes: &["", " 新款", " 官方标配"],
        skus: SkuKind::Colour,
        good: &["很好用", "噪音小", "安装方便", "颜值高", "功率足"],
        bad: &["噪音太大", "用了几次就坏了", "有异味", "外壳有划痕", "加热慢"],
        questions: &[21, 25, 26, 24],
        causes: [0.30, 0.0, 0.10, 0.03, 0.05, 0.06, 0.14, 0.06, 0.09, 0.10, 0.07],
    },
    Category {
        name: "食品饮料",
        items: &[
            ("每日坚果礼盒", 69, 169),
            ("手工牛轧糖", 29, 69),
            ("冻干咖啡粉", 59, 159),
            ("螺蛳粉", 29, 79),
            ("云南小粒咖啡豆", 59, 129),
            ("低糖燕麦片", 29, 69),
            ("牛肉干", 39, 99),
        ],
        prefixes: &["", "网红", "零添加", "整箱", "家庭装", "独立包装"],
        suffixes: &["", " 1kg", " 500g", " 30袋"],
        skus: SkuKind::Plain,
        good: &["味道很好", "很新鲜", "包装精美", "性价比高", "日期很新"],
        bad: &["不新鲜", "味道很怪", "包装漏气", "临期了", "太甜了"],
        questions: &[27, 28, 29],
        causes: [0.20, 0.0, 0.10, 0.0, 0.05, 0.08, 0.20, 0.12, 0.07, 0.10, 0.08],
    },
    Category {
        name: "母婴用品",
        items: &[
            ("婴儿纸尿裤", 89, 199),
            ("宝宝辅食米粉", 59, 129),
            ("儿童安全座椅", 599, 1599),
            ("婴儿推车", 499, 1999),
            ("宝宝保温杯", 59, 129),
            ("儿童益智积木", 69, 199),
        ],
        prefixes: &["", "新生儿", "超薄透气", "轻便", "婴幼儿"],
        suffixes: &["", " L码", " 大包装"],
        skus: SkuKind::Plain,
        good: &["宝宝很喜欢", "材质安全", "很透气", "质量很好", "没有异味"],
        bad: &["有异味", "宝宝红屁屁了", "做工粗糙", "零件缺失", "不透气"],
        questions: &[30, 31, 29],
        causes: [0.25, 0.08, 0.12, 0.02, 0.05, 0.08, 0.10, 0.06, 0.08, 0.10, 0.06],
    },
    Category {
        name: "家居日用",
        items: &[
            ("纯棉四件套", 199, 599),
            ("记忆棉枕头", 69, 199),
            ("收纳箱", 29, 89),
            ("加厚浴巾", 39, 99),
            ("香薰蜡烛", 39, 129),
            ("懒人沙发", 199, 599),
            ("不锈钢保温杯", 59, 159),
        ],
        prefixes: &["北欧", "ins风", "加厚", "简约", "家用", "日式"],
        suffixes: &["", " 两件装", " 新款"],
        skus: SkuKind::Colour,
        good: &["质量很好", "颜色好看", "很柔软", "性价比高", "没有异味"],
        bad: &["有异味", "掉毛严重", "色差大", "做工粗糙", "尺寸不对"],
        questions: &[15, 26, 14],
        causes: [0.22, 0.06, 0.13, 0.10, 0.05, 0.06, 0.10, 0.06, 0.07, 0.10, 0.05],
    },
];

/// Canonical refund causes (the `true_cause` of `_truth/refund_causes`).
pub const CAUSES: &[&str] = &[
    "quality",
    "size",
    "description_mismatch",
    "colour_difference",
    "wrong_item",
    "missing_item",
    "damaged",
    "logistics_late",
    "price_difference",
    "changed_mind",
    "wrong_order",
];

/// Indexes into [`CAUSES`] (and [`CAUSE_CODES`], [`CAUSE_TEXTS`]) that refunds and reviews
/// treat apart.
pub mod cause {
    pub const SIZE: usize = 1;
    pub const WRONG_ITEM: usize = 4;
    pub const MISSING_ITEM: usize = 5;
    pub const DAMAGED: usize = 6;
    pub const LOGISTICS_LATE: usize = 7;
    pub const PRICE_DIFFERENCE: usize = 8;
    /// the one cause 七天无理由退货 states honestly
    pub const CHANGED_MIND: usize = 9;
}

pub const SEVEN_DAY: &str = "七天无理由退货";

/// Platform reason code of each cause when stated honestly.
pub const CAUSE_CODES: &[&str] = &[
    "质量问题",
    "尺码不合适",
    "与商品描述不符",
    "色差",
    "卖家发错货",
    "少件/漏发",
    "包装/商品破损",
    "物流太慢",
    "退差价",
    "不想要了",
    "拍错/多拍",
];

/// What customers write about each cause (reason_text and chat).
pub const CAUSE_TEXTS: &[&[&str]] = &[
    &["质量太差了，用了没几天就坏了", "衣服洗了一次就起球了", "做工很差，到处是线头", "有明显的质量问题"],
    &["尺码偏小穿不上", "买大了一码，太宽松", "尺码不合适，想换大一码", "按尺码表买的还是小"],
    &["收到的和详情页描述的完全不一样", "材质跟写的不符", "实物和图片差太多了", "宣传的功能根本没有"],
    &["色差太大了，和图片不是一个颜色", "实物颜色偏暗，色差严重", "颜色跟图片差很多"],
    &["你们发错货了，我买的不是这个", "颜色发错了", "发错款了，要的不是这个型号"],
    &["少发了一件", "配件漏发了", "只收到一个，少件了"],
    &["收到的时候包装都破了", "商品压坏了", "外箱破损，里面也碎了"],
    &["物流太慢了，等了好久", "快递一直不更新", "物流慢死了，等不了了"],
    &["刚买完就降价了，要求退差价", "现在活动价便宜了，申请价保", "买贵了，退个差价"],
    &["不想要了", "不喜欢，退了吧", "家里已经有了，不需要了"],
    &["拍错了", "多拍了一件", "拍错颜色了"],
];

/// A canonical pre-sale question and its paraphrases (the first one is the canonical text).
pub struct Question {
    pub canonical: &'static str,
    pub paraphrases: &'static [&'static str],
    /// Agent answers; `{p}` = product name, `{price}` = price.
    pub answers: &'static [&'static str],
    /// Bot canned answer.
    pub bot: &'static str,
}

pub const COMMON_QUESTIONS: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

pub const QUESTIONS: &[Question] = &[
    Question {
        canonical: "有货吗",
        paraphrases: &["有货吗", "还有货吗", "现在有现货吗", "这个还有吗", "有库存不", "缺货了吗"],
        answers: &["亲，这款目前有现货的哦，可以放心拍", "有的亲，现货充足，下单就能发"],
        bot: "亲，页面可以拍的规格都是有现货的哦~",
    },
    Question {
        canonical: "什么时候发货",
        paraphrases: &[
            "什么时候发货",
            "几天能发货",
            "今天能发吗",
            "啥时候发货",
            "下单后多久发货",
            "今天拍明天能发出吗",
        ],
        answers: &["亲，下午4点前付款当天发出，之后的次日发出哦", "一般48小时内发货的亲，我们会尽快安排"],
        bot: "亲，16点前付款当天发货，16点后次日发货哦~",
    },
    Question {
        canonical: "发什么快递",
        paraphrases: &["发什么快递", "默认什么快递", "可以发顺丰吗", "发哪家快递", "能指定快递吗"],
        answers: &["亲，默认中通和圆通，需要顺丰的话可以补差价哦", "我们默认发韵达，偏远地区会安排邮政的"],
        bot: "亲，默认发中通/圆通快递，暂不支持指定快递哦~",
    },
    Question {
        canonical: "有没有优惠券",
        paraphrases: &["有没有优惠券", "有优惠吗", "有券吗", "现在有什么活动", "有没有满减", "领券在哪里"],
        answers: &["亲，店铺首页可以领满199减20的券哦", "现在有满减活动的，两件打9折哦"],
        bot: "亲，优惠券可在店铺首页领取，活动以页面为准哦~",
    },
    Question {
        canonical: "能便宜点吗",
        paraphrases: &["能便宜点吗", "可以便宜一点吗", "能不能少点", "最低多少钱", "便宜点我就拍了", "能优惠点不"],
        answers: &["亲，这已经是活动价了哦，可以领券再减一点", "价格已经很实惠啦，给您申请个小赠品吧"],
        bot: "亲，商品价格以页面为准，可以关注店铺领取优惠券哦~",
    },
    Question {
        canonical: "和另一款有什么区别",
        paraphrases: &[
            "和另一款有什么区别",
            "这两款有啥区别",
            "这个和那个款有什么不一样",
            "跟上一代比有什么区别",
            "两个链接有什么区别",
        ],
        answers: &["亲，两款主要是材质和做工不同，这款用料更好一些", "区别主要在配置上，这款是升级版的哦"],
        bot: "亲，不同款式的区别可以查看详情页的对比图哦~",
    },
    Question {
        canonical: "包邮吗",
        paraphrases: &["包邮吗", "包不包邮", "运费多少", "偏远地区包邮吗", "新疆包邮吗"],
        answers: &["亲，全国包邮的哦，新疆西藏等偏远地区除外", "包邮的亲，放心拍"],
        bot: "亲，除偏远地区外全国包邮哦~",
    },
    Question {
        canonical: "是正品吗",
        paraphrases: &["是正品吗", "保证正品吗", "是不是正品", "会是假货吗", "正品有保障吗"],
        answers: &["亲，我们是官方授权店铺，保证正品，假一赔十", "百分百正品的亲，支持专柜验货"],
        bot: "亲，本店所有商品均为正品，请放心购买~",
    },
    Question {
        canonical: "有运费险吗",
        paraphrases: &["有运费险吗", "送运费险吗", "退货有运费险吗", "包退换吗"],
        answers: &["亲，下单赠送运费险的，退换货不用担心运费", "有的亲，支持七天无理由，还送运费险"],
        bot: "亲，本店商品支持七天无理由退换，并赠送运费险~",
    },
    Question {
        canonical: "可以开发票吗",
        paraphrases: &["可以开发票吗", "能开发票不", "开专票吗", "发票怎么开"],
        answers: &["可以的亲，确认收货后在订单页申请电子发票", "能开的，下单后联系我们提供抬头就行"],
        bot: "亲，确认收货后可在订单详情页申请电子发票哦~",
    },
    // 10..: apparel
    Question {
        canonical: "尺码怎么选",
        paraphrases: &[
            "尺码怎么选",
            "我160 100斤穿什么码",
            "选多大码",
            "身高170体重130斤穿多大",
            "M码还是L码",
            "平时穿M这个拍什么码",
            "码数怎么选啊",
        ],
        answers: &["亲，根据您的身高体重建议拿M码哦，喜欢宽松可以拿L", "亲，这款尺码标准，按平时的码拍就可以"],
        bot: "亲，详情页有尺码表，可以参考身高体重选择哦~",
    },
    Question {
        canonical: "什么材质",
        paraphrases: &["什么材质", "是什么面料", "纯棉的吗", "面料成分是什么", "含棉量多少"],
        answers: &["亲，这款是95%棉加5%氨纶，亲肤透气", "面料是聚酯纤维混纺的，垂感很好"],
        bot: "亲，商品材质请查看详情页的成分说明哦~",
    },
    Question {
        canonical: "会不会起球",
        paraphrases: &["会不会起球", "起球吗", "容易起球不", "洗了会起球吗"],
        answers: &["亲，这款面料做过抗起球处理，正常穿着不容易起球", "正常洗护不会起球的亲，建议手洗"],
        bot: "亲，建议按洗涤说明护理，可以减少起球哦~",
    },
    Question {
        canonical: "有没有色差",
        paraphrases: &["有没有色差", "实物有色差吗", "颜色和图片一样吗", "图片是实拍吗"],
        answers: &["亲，都是实物拍摄的，因为显示器不同可能会有轻微色差", "基本没有色差的亲，是实拍图哦"],
        bot: "亲，图片均为实物拍摄，不同屏幕显示可能略有差异~",
    },
    Question {
        canonical: "会缩水吗",
        paraphrases: &["会缩水吗", "洗了缩水吗", "缩不缩水", "洗完会变小吗"],
        answers: &["亲，面料做过预缩处理，正常洗涤不会缩水", "建议冷水手洗，不会明显缩水的"],
        bot: "亲，建议冷水洗涤，避免高温烘干哦~",
    },
    // 15..: shoes / home
    Question {
        canonical: "尺码偏大还是偏小",
        paraphrases: &["尺码偏大还是偏小", "偏码吗", "码数正不正", "鞋码标准吗", "平时穿39拍几码"],
        answers: &["亲，这款码数标准，按平时的码拍就可以", "偏小半码的亲，建议拍大一码"],
        bot: "亲，码数标准，脚胖脚宽的建议拍大一码哦~",
    },
    Question {
        canonical: "磨脚吗",
        paraphrases: &["磨脚吗", "会不会磨脚", "新鞋磨脚不", "穿着舒服吗"],
        answers: &["亲，鞋里是软皮内衬，不会磨脚的", "很舒服的亲，鞋底是软底的"],
        bot: "亲，本款采用柔软内里，穿着舒适~",
    },
    // 17..: beauty
    Question {
        canonical: "适合什么肤质",
        paraphrases: &["适合什么肤质", "油皮能用吗", "干皮适合吗", "混油皮可以用不"],
        answers: &["亲，这款各种肤质都适合，油皮用起来也很清爽", "干皮油皮都可以用的亲"],
        bot: "亲，本品适合多种肤质，具体可查看详情页说明~",
    },
    Question {
        canonical: "敏感肌能用吗",
        paraphrases: &["敏感肌能用吗", "孕妇可以用吗", "过敏体质能用吗", "敏感肌用会刺激吗"],
        answers: &["亲，配方温和无酒精，敏感肌建议先在耳后试用", "孕妇也可以用的亲，不含刺激成分"],
        bot: "亲，敏感肌建议先局部试用哦~",
    },
    Question {
        canonical: "保质期多久",
        paraphrases: &["保质期多久", "生产日期是什么时候", "是新日期吗", "开封后能用多久"],
        answers: &["亲，保质期三年，都是今年的新日期", "保质期是24个月的亲，开封后建议一年内用完"],
        bot: "亲，保质期请以商品包装标注为准~",
    },
    Question {
        canonical: "怎么用",
        paraphrases: &["怎么用", "使用方法是什么", "一天用几次", "用法用量是啥"],
        answers: &["亲，早晚洁面后取适量涂抹全脸就可以", "每天早晚各一次，按摩到吸收就行"],
        bot: "亲，使用方法请参考详情页的说明~",
    },
    // 21..: electronics / appliances
    Question {
        canonical: "保修多久",
        paraphrases: &["保修多久", "有保修吗", "质保几年", "坏了怎么保修", "全国联保吗"],
        answers: &["亲，全国联保一年，非人为损坏免费维修", "质保一年的亲，七天内有问题直接换新"],
        bot: "亲，本品享受一年质保服务~",
    },
    Question {
        canonical: "续航多久",
        paraphrases: &["续航多久", "电池能用多久", "充满电能用几天", "待机时间多长"],
        answers: &["亲，正常使用续航大概30小时", "充满电正常使用一周左右的亲"],
        bot: "亲，续航时间因使用情况而异，请参考详情页参数~",
    },
    Question {
        canonical: "支持快充吗",
        paraphrases: &["支持快充吗", "能快充不", "充电要多久", "苹果能用吗", "兼容安卓吗"],
        answers: &["亲，支持快充协议，苹果安卓都能用", "充满大概一个半小时的亲"],
        bot: "亲，兼容主流手机型号，具体请参考参数表~",
    },
    Question {
        canonical: "有什么颜色",
        paraphrases: &["有什么颜色", "几个颜色", "哪个颜色好看", "白色还是黑色好"],
        answers: &["亲，有黑白灰三色，白色是卖得最好的", "推荐黑色哦，耐脏又百搭"],
        bot: "亲，可选颜色以页面规格为准哦~",
    },
    Question {
        canonical: "安装收费吗",
        paraphrases: &["安装收费吗", "需要自己安装吗", "上门安装吗", "送货上楼吗"],
        answers: &["亲，免费上门安装的，不收任何费用", "不需要安装的亲，插电就能用"],
        bot: "亲，安装相关问题可在订单页预约服务~",
    },
    Question {
        canonical: "噪音大吗",
        paraphrases: &["噪音大吗", "声音大不大", "晚上用吵吗", "静音吗"],
        answers: &["亲，运行噪音很小的，晚上用也不影响", "噪音控制得很好的亲，基本听不到"],
        bot: "亲，本品采用静音设计~",
    },
    // 27..: food / baby
    Question {
        canonical: "甜不甜",
        paraphrases: &["甜不甜", "会很甜吗", "口味怎么样", "辣不辣", "好吃吗"],
        answers: &["亲，口味是微甜的，不会腻", "好吃的亲，回购率很高"],
        bot: "亲，口味因人而异，可以先买小份尝试哦~",
    },
    Question {
        canonical: "生产日期是多久",
        paraphrases: &["生产日期是多久", "是新鲜的吗", "日期新不新", "会不会发临期的"],
        answers: &["亲，都是本月新生产的，保证新鲜", "日期都很新的亲，不会发临期产品"],
        bot: "亲，均为新鲜日期，保质期见包装~",
    },
    Question {
        canonical: "适合多大年龄",
        paraphrases: &["适合多大年龄", "几岁能用", "新生儿能用吗", "三岁宝宝适合吗", "多大的孩子可以玩"],
        answers: &["亲，适合0到3岁宝宝使用", "三岁以上的宝宝都可以用的亲"],
        bot: "亲，适用年龄请参考详情页说明~",
    },
    Question {
        canonical: "安全吗",
        paraphrases: &["安全吗", "有没有甲醛", "材质安全不", "有检测报告吗"],
        answers: &["亲，有质检报告的，材质安全无异味", "通过国家3C认证的亲，可以放心"],
        bot: "亲，本品通过国家相关安全认证~",
    },
    Question {
        canonical: "尺寸多大",
        paraphrases: &["尺寸多大", "多大尺寸", "重不重", "能放进后备箱吗"],
        answers: &["亲，展开尺寸是80x50cm，折叠后很小", "重量大概6斤，单手就能拿"],
        bot: "亲，商品尺寸请查看规格参数~",
    },
];

pub const EMOJIS: &[&str] = &["😊", "😭", "👍", "🙏", "😂", "🤔", "[微笑]", "[捂脸]", "~"];
pub const PARTICLES: &[&str] = &["呢", "吗", "哈", "呀", "啊"];
pub const OPENERS: &[&str] = &["在吗", "你好", "亲", "客服在吗", "hello", "在不在", "有人吗"];
/// (correct, typo) pairs used to misspell customer text.
pub const TYPOS: &[(&str, &str)] = &[
    ("尺码", "尺马"),
    ("优惠", "优会"),
    ("发货", "发或"),
    ("什么", "神马"),
    ("怎么", "咋"),
    ("可以", "可以d"),
    ("没有", "木有"),
    ("谢谢", "3q"),
    ("快递", "快地"),
    ("这个", "这g"),
];

pub const GREETINGS: &[&str] = &[
    "亲，您好，欢迎光临{shop}，我是客服{nick}，很高兴为您服务~",
    "您好，欢迎光临{shop}，我是{nick}，有什么可以帮您的呢？",
    "亲爱的顾客您好，我是{shop}的客服{nick}，请问有什么可以帮到您😊",
    "您好亲，欢迎来到{shop}，{nick}在线为您服务~",
];
pub const CLOSINGS: &[&str] = &[
    "感谢您的耐心等待，祝您生活愉快~ 还有问题随时联系哦",
    "不客气亲，祝您购物愉快，有问题随时联系{nick}哦~",
    "感谢您对{shop}的支持，祝您生活愉快！",
    "好的亲，祝您生活愉快，有需要随时联系我们哦😊",
];
pub const CUSTOMER_THANKS: &[&str] =
    &["好的谢谢", "好的 知道了", "ok谢谢", "那我拍了", "行吧", "好的👍", "明白了，谢谢亲", "我再考虑下"];
pub const AGENT_ACKS: &[&str] =
    &["好的亲，已经帮您备注了", "收到的亲", "好的，已为您登记好了", "亲，有结果第一时间通知您"];
pub const TRANSFER_ASKS: &[&str] =
    &["转人工", "人工客服", "我要找人工", "人工", "转人工客服谢谢", "机器人听不懂，找真人"];
pub const SYSTEM_TRANSFER: &str = "已为您转接人工客服，请稍候";
pub const BOT_ENDS: &[&str] =
    &["亲，还有其他问题可以继续问我哦~", "小助手一直在线，有问题再来找我哦~", "以上回答是否解决了您的问题？"];
pub const AGENT_CHECKING: &[&str] =
    &["亲，这边帮您查询一下订单哦，请稍等", "稍等亲，马上为您核实", "好的，帮您看一下物流信息"];
pub const COUPON_CARDS: &[&str] = &["[优惠券] 满199减20", "[优惠券] 满99减10", "[优惠券] 无门槛5元"];

/// After-sale issues: (key, customer lines, agent answer lines). `{o}` = order id.
pub struct Issue {
    pub key: &'static str,
    pub needs_delivery: bool,
    pub customer: &'static [&'static str],
    pub followups: &'static [&'static str],
    pub agent: &'static [&'static str],
    pub bot: &'static str,
}

pub const ISSUES: &[Issue] = &[
    Issue {
        key: "logistics_slow",
        needs_delivery: false,
        customer: &[
            "订单{o}怎么还没到",
            "我的快递一直不更新，单号{o}",
            "物流太慢了吧，{o}三天没动了",
            "{o} 这个单什么时候能到啊",
            "物流信息一直停在中转站",
        ],
        followups: &["能不能催一下", "我着急用的", "到底什么时候到😭", "能发个准信吗"],
        agent: &[
            "亲，已经帮您联系快递加急处理了，预计明天送达",
            "非常抱歉让您久等了，已为您催促快递，会尽快派送",
            "亲，物流显示已到达您所在城市，今天会派送的",
        ],
        bot: "亲，您可以在订单详情页查看最新物流信息哦~",
    },
    Issue {
        key: "urge_ship",
        needs_delivery: false,
        customer: &["订单{o}怎么还没发货", "拍了两天了还不发货", "{o}能今天发吗", "怎么还没发货啊"],
        followups: &["赶紧发吧", "我急用", "今天一定要发出哦"],
        agent: &["亲，已经帮您备注优先发货了，今天就能发出", "非常抱歉亲，仓库正在加急处理，今天内发出"],
        bot: "亲，订单会在承诺时间内发出，请耐心等待哦~",
    },
    Issue {
        key: "damaged",
        needs_delivery: true,
        customer: &[
            "收到货包装破损了，订单{o}",
            "东西到了但是压坏了",
            "快递盒子都烂了，里面的也坏了",
            "{o}这个单收到是破的",
        ],
        followups: &["[图片]", "你看这个图", "怎么处理"],
        agent: &[
            "非常抱歉亲，麻烦提供一下破损的照片，这边给您补发或者退款",
            "亲，给您带来不便非常抱歉，可以申请仅退款，我这边马上同意",
        ],
        bot: "亲，商品破损请拍照后申请售后，我们会尽快处理~",
    },
    Issue {
        key: "wrong_item",
        needs_delivery: true,
        customer: &[
            "你们发错货了，订单{o}",
            "我买的黑色发来的是白色",
            "收到的不是我拍的款",
            "发错码了，我要的L给我发了M",
        ],
        followups: &["[图片]", "怎么弄", "我要换货"],
        agent: &["非常抱歉亲，是我们的失误，给您免费换货，运费我们承担", "亲，麻烦寄回，我们收到后马上重新发正确的款"],
        bot: "亲，如发错商品请申请换货，运费由商家承担~",
    },
    Issue {
        key: "missing",
        needs_delivery: true,
        customer: &["少发了一件，订单{o}", "只收到一个，还有一个呢", "配件没有啊，漏发了", "{o}少件了"],
        followups: &["[图片]", "赶紧补发", "怎么回事"],
        agent: &["亲，帮您核实了，确实漏发了，马上给您补发", "非常抱歉，已为您登记补发，今天发出"],
        bot: "亲，如有少件漏发请联系人工客服核实哦~",
    },
    Issue {
        key: "quality",
        needs_delivery: true,
        customer: &[
            "质量也太差了吧，订单{o}",
            "用了两天就坏了",
            "衣服洗了一次就起球了",
            "有质量问题，开线了",
            "这个有异味",
        ],
        followups: &["[图片]", "能退吗", "怎么处理啊"],
        agent: &["非常抱歉亲，质量问题我们支持退换，运费我们承担", "亲，麻烦拍个照片，这边给您申请退款"],
        bot: "亲，质量问题支持退换货，请在订单页申请售后~",
    },
    Issue {
        key: "price_diff",
        needs_delivery: true,
        customer: &[
            "我刚买的就降价了，能退差价吗，订单{o}",
            "现在便宜了20块，可以价保吗",
            "保价怎么申请",
            "{o}能退差价不",
        ],
        followups: &["别的店都给退", "差价多少能退", "怎么操作"],
        agent: &["亲，在价保期内的，这边给您申请退差价", "亲，可以在订单页点价保申请，差价会原路退回"],
        bot: "亲，价保申请可在订单详情页操作~",
    },
    Issue {
        key: "return_7d",
        needs_delivery: true,
        customer: &["我想七天无理由退货，订单{o}", "不想要了可以退吗", "七天无理由怎么退", "{o}申请退货了，帮忙处理下"],
        followups: &["运费谁出", "多久能退款", "好的"],
        agent: &["可以的亲，在订单页申请退货，商品不影响二次销售就可以", "支持七天无理由的亲，寄回后我们收到就退款"],
        bot: "亲，本店支持七天无理由退货，请在订单页申请~",
    },
    Issue {
        key: "how_return",
        needs_delivery: true,
        customer: &["怎么退货", "退货地址是哪里", "怎么申请退货啊，订单{o}", "退货要寄到哪"],
        followups: &["需要填单号吗", "上门取件吗"],
        agent: &[
            "亲，在订单页点申请售后，选择退货退款，系统会给退货地址",
            "可以预约上门取件的亲，填写单号后我们尽快处理",
        ],
        bot: "亲，在订单详情页点击申请售后即可~",
    },
    Issue {
        key: "freight_insurance",
        needs_delivery: true,
        customer: &["运费险怎么理赔", "退货运费能报销吗", "我有运费险吗，订单{o}", "运费险多久到账"],
        followups: &["多少钱", "好的"],
        agent: &["亲，退货签收后运费险会自动理赔到您的账户", "亲，您的订单有运费险的，退货后72小时内到账"],
        bot: "亲，运费险在退货签收后自动理赔~",
    },
];

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
pub const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
    "平", "刚", "桂英", "晓燕", "婷婷", "子涵", "浩然", "雨欣", "梓萱", "一鸣", "思远", "佳怡", "俊杰",
];
pub const AGENT_NICKS: &[&str] = &[
    "小美", "小雪", "小悦", "小满", "小暖", "阿杰", "小七", "小糖", "小艾", "小乔", "小鹿", "小柒", "小葵", "小橙",
    "安安", "甜甜",
];
pub const NICK_PARTS_A: &[&str] =
    &["快乐的", "爱吃", "追风的", "安静的", "小", "大", "甜甜", "momo", "Lucky", "阿", "喵喵", "cc", "不吃香菜的"];
pub const NICK_PARTS_B: &[&str] =
    &["小猪", "猫咪", "少女", "大叔", "宝妈", "鱼", "土豆", "兔子", "星星", "小王", "Amy", "Kevin", "同学", "柠檬"];
pub const MEMBER_LEVELS: &[&str] = &["普通", "银卡", "金卡", "铂金", "钻石"];
pub const SHOP_BRANDS: &[&str] = &[
    "优衣坊",
    "悦己",
    "木棉花",
    "星辰数码",
    "小熊家居",
    "鲜享",
    "贝亲宝",
    "云朵",
    "初见",
    "北极绒",
    "唯品",
    "橙子",
    "森林小屋",
    "极客",
    "花间",
    "暖阳",
];
pub const SHOP_KINDS: &[&str] = &["旗舰店", "官方旗舰店", "专营店", "自营店", "官方店"];

/// A city and its districts.
pub type City = (&'static str, &'static [&'static str]);

/// (province, cities with districts)
pub const PLACES: &[(&str, &[City])] = &[
    (
        "广东省",
        &[
            ("广州市", &["天河区", "越秀区", "海珠区"]),
            ("深圳市", &["南山区", "福田区", "宝安区"]),
            ("东莞市", &["南城街道", "东城街道"]),
        ],
    ),
    (
        "浙江省",
        &[("杭州市", &["西湖区", "余杭区", "滨江区"]), ("宁波市", &["鄞州区", "海曙区"]), ("温州市", &["鹿城区"])],
    ),
    ("江苏省", &[("南京市", &["鼓楼区", "玄武区"]), ("苏州市", &["工业园区", "姑苏区"]), ("无锡市", &["梁溪区"])]),
    ("北京市", &[("北京市", &["朝阳区", "海淀区", "东城区", "丰台区"])]),
    ("上海市", &[("上海市", &["浦东新区", "徐汇区", "静安区", "闵行区"])]),
    ("四川省", &[("成都市", &["武侯区", "锦江区", "高新区"]), ("绵阳市", &["涪城区"])]),
    ("山东省", &[("济南市", &["历下区", "市中区"]), ("青岛市", &["市南区", "崂山区"])]),
    ("湖北省", &[("武汉市", &["洪山区", "江汉区", "武昌区"])]),
    ("河南省", &[("郑州市", &["金水区", "二七区"]), ("洛阳市", &["西工区"])]),
    ("福建省", &[("福州市", &["鼓楼区"]), ("厦门市", &["思明区", "湖里区"])]),
    ("湖南省", &[("长沙市", &["岳麓区", "天心区"])]),
    ("陕西省", &[("西安市", &["雁塔区", "碑林区"])]),
];
pub const ROADS: &[&str] =
    &["文三路", "人民路", "解放大道", "中山路", "建设路", "科技园南路", "长江路", "和平街", "南京东路", "东风路"];
pub const COMPOUNDS: &[&str] =
    &["翠苑小区", "阳光花园", "幸福里", "绿城桂花园", "万科城", "碧桂园", "金地名悦", "保利花园"];
/// Area codes for ID cards.
pub const ID_AREAS: &[&str] = &[
    "110105", "110108", "310104", "310115", "440106", "440305", "330106", "320102", "510107", "420106", "370202",
    "410105", "350203", "430104", "610113",
];
pub const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
    "166", "173", "176", "177", "180", "181", "186", "187", "188", "189", "191", "198", "199",
];
pub const MAIL_DOMAINS: &[&str] =
    &["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com"];
pub const MAIL_NAMES: &[&str] =
    &["zhangwei", "lily", "xiaoming", "wang.fang", "chen_jing", "liu88", "amy.zhou", "kevin2020", "sunny", "huanghao"];

pub const REVIEW_POS: &[&str] = &[
    "很满意，{g}，物流也快，会回购的",
    "{g}，{g2}，五星好评",
    "第二次购买了，{g}，推荐",
    "质量很好，{g}，客服态度也好👍",
    "物流超快，包装完好，{g}",
    "性价比很高，{g}",
];
pub const REVIEW_MID: &[&str] =
    &["一般般吧，{g}，但是{b}", "还行，{b}，凑合用", "中规中矩，物流有点慢", "和预期差不多，没有特别惊艳"];
pub const REVIEW_NEG: &[&str] = &[
    "质量太差了，{b}，不推荐",
    "{b}，{b2}，非常失望",
    "色差严重，跟图片完全不一样",
    "客服态度差，问题一直不解决",
    "{b}，退货还麻烦，差评",
    "买了就后悔，{b}",
];
pub const REVIEW_SPAM: &[&str] =
    &["好评返现5元，五星好评！", "五星好评，商家说好评返现截图给客服领红包", "好评返现，默认好评"];
pub const APPEND_POS: &[&str] = &["用了一段时间了，依旧很好，{g}", "追评：回购了，{g}"];
pub const APPEND_NEG: &[&str] = &["追评：用了一周{b}，后悔了", "用了几天就出问题了，{b}"];
pub const CSAT_COMMENTS: &[(&str, i32)] = &[
    ("客服很耐心", 5),
    ("回复很快", 5),
    ("解决了问题，谢谢", 5),
    ("还行", 4),
    ("一般", 3),
    ("等太久了", 2),
    ("态度很差", 1),
    ("问题没解决", 1),
];

/// Call (ASR) lines: agent opener, customer statements by topic, agent replies.
pub const CALL_AGENT_OPEN: &[&str] =
    &["喂 您好 这里是{shop}客服 请问有什么可以帮您", "您好 {shop}售后 请讲", "喂 你好 这边是{shop}的客服"];
pub const CALL_OUTBOUND_OPEN: &[&str] =
    &["喂 您好 我是{shop}的客服 您之前反馈的问题我们跟进一下", "您好 这边是{shop}回访 耽误您一分钟时间"];
pub const CALL_FILLERS: &[&str] = &["嗯", "啊", "那个", "就是", "呃", "然后"];
pub const CALL_AGENT_REPLIES: &[&str] = &[
    "好的 我这边帮您查一下",
    "嗯嗯 明白",
    "非常抱歉给您带来不便",
    "这边给您登记一下 马上处理",
    "您看这样可以吗 给您补发一个",
    "稍等一下啊 我看下系统",
    "好的 退款已经给您申请了 一到三个工作日到账",
    "您放心 今天一定给您回复",
];
pub const CALL_CUSTOMER_LINES: &[&str] = &[
    "我的快递一直没到",
    "东西收到是坏的",
    "我想问一下退款怎么还没到账",
    "你们发错货了",
    "那个尺码不合适想换一下",
    "质量有问题 用了两天就坏了",
    "就是那个订单号我报给你",
    "好 那我等你们消息",
    "嗯 行 那就这样吧",
    "对对对 就是这个",
    "多久能处理好啊",
];
pub const CALL_CUSTOMER_OUTBOUND: &[&str] = &["嗯 好的", "已经解决了 谢谢", "还没收到呢", "行 你说", "嗯 还可以吧"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_indexes_name_their_causes() {
        assert_eq!(CAUSES[cause::SIZE], "size");
        assert_eq!(CAUSES[cause::WRONG_ITEM], "wrong_item");
        assert_eq!(CAUSES[cause::MISSING_ITEM], "missing_item");
        assert_eq!(CAUSES[cause::DAMAGED], "damaged");
        assert_eq!(CAUSES[cause::LOGISTICS_LATE], "logistics_late");
        assert_eq!(CAUSES[cause::PRICE_DIFFERENCE], "price_difference");
        assert_eq!(CAUSES[cause::CHANGED_MIND], "changed_mind");
        assert_eq!(CAUSE_CODES.len(), CAUSES.len());
        assert_eq!(CAUSE_TEXTS.len(), CAUSES.len());
    }
}
