//! PII: find and mask phone numbers, landlines, ID cards, bank cards, e-mails, street addresses
//! and recipient names, so row-level outputs never carry them.
//!
//! Digits are read as *chains*: digit groups joined by single separators (space, -, full-width
//! forms) with an optional +86 / 0086 in front, so 138 1234 5678 and +86-138-1234-5678 are one
//! number. A chain is classified whole, else its groups left to right. Order numbers are never
//! PII: a run longer than 11 digits is not a phone, a 16–19 digit run failing Luhn is not a card,
//! and any digits right after 订单号 / 单号 are an order number even when Luhn passes.
//!
//! Masking keeps the shape (separators and the characters' count): a phone keeps its first 3 and
//! last 4 digits (138****5678), a landline its area code and last 4, an ID card its first 6 and
//! last 4 (110105********002X), a bank card its first 4 and last 4, an e-mail its first character
//! and domain (a***@example.com), an address its province/city prefix (浙江省杭州市*********), a name
//! its surname (张*).

use std::borrow::Cow;

use regex::Regex;

use crate::digits::{digit, is_id15, is_id18, is_mobile, luhn, order_context};
use crate::hash::CharSet;

/// The ASCII digit of `c`: ASCII and full-width digits, and the numerals speech-to-text writes
/// for a number read digit by digit (一三八 / 幺三八 / 〇 …; not 十 or 百, which are not digits).
fn pdigit(c: char) -> Option<char> {
    digit(c).or(match c {
        '零' | '〇' | '○' => Some('0'),
        '一' | '幺' => Some('1'),
        '二' => Some('2'),
        '三' => Some('3'),
        '四' => Some('4'),
        '五' => Some('5'),
        '六' => Some('6'),
        '七' => Some('7'),
        '八' => Some('8'),
        '九' => Some('9'),
        _ => None,
    })
}

/// One PII item found in a text (byte offsets, on char boundaries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiMatch {
    /// phone | landline | id_card | bank_card | email | address | name
    pub kind: String,
    pub start: usize,
    pub end: usize,
}

/// How to hide a byte range.
#[derive(Debug, Clone)]
enum Edit {
    /// Every non-space character becomes `*`.
    Stars,
    /// The range becomes this text.
    Fixed(&'static str),
}

/// A match and how to mask it.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub m: PiiMatch,
    edits: Vec<(usize, usize, Edit)>,
}

pub(crate) struct PiiScanner {
    email: Regex,
    address: Regex,
    qq: Regex,
    wechat: Regex,
    surnames: CharSet,
    /// The name cue words, strong ones first (one pass for all of them).
    name_cues: aho_corasick::AhoCorasick,
    name_stops: CharSet,
    order_words: Vec<String>,
    cues: CharSet,
}

/// A phone, ID or card is at most this many separated groups (+86 138 1234 5678 is 4).
const MAX_WINDOW_GROUPS: usize = 6;
/// Fewer digits than this in all are no phone, landline, ID or card.
const MIN_NUMBER_DIGITS: usize = 7;
/// Numerals of a house number besides digits (文三路一号).
const CHINESE_NUMERALS: &str = "一二三四五六七八九十百零";
/// Every character the pass in [`PiiScanner::find`] looks at besides digits.
const CUES: &str = "@＠号栋幢室弄座单组路街巷胡区园寓厦村苑道县镇收姓联叫名本是给签称户qQ扣企微威薇信vVwW一二三四五六七八九十百零〇○幺";
/// Words after which a name follows. Strong ones name the person whatever the name looks like;
/// after a weak one (我是, 本人, 寄给 …) only a known surname starts a name (我是张伟, not 我是老客户).
const NAME_CUES_STRONG: &[&str] = &[
    "收件人",
    "收货人",
    "收件者",
    "联系人",
    "姓名",
    "签收人",
    "寄件人",
    "持卡人",
    "开户名",
    "户名",
    "我叫",
    "名字是",
    "名字叫",
    "我的名字",
    "称呼我",
];
const NAME_CUES_WEAK: &[&str] = &["我是", "本人", "寄给", "称呼", "就是我", "找"];
/// Characters that end a name (they begin the words that follow one: 张三电话…, 周杰昨天…).
const NAME_STOP_CHARS: &str = "的了是在和与或及就都也还又把被给让向从到对跟说要想买卖发收寄退换问电手地身号码址先女姐家属申请昨今前后这那个们吗呢吧啊呀哦嗯我你他她它不没有会能可以已经刚才再去来过看用打加微信";
/// Words that start with a surname but are not names.
const NOT_NAMES: &[&str] = &[
    "马上",
    "高兴",
    "周末",
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "方便",
    "安装",
    "江苏",
    "黄色",
    "白色",
    "金色",
    "高端",
    "万一",
    "于是",
    "许多",
    "余额",
    "钱包",
    "包邮",
    "史上",
    "程序",
    "石头",
    "罗马",
    "宋体",
    "唐装",
    "东北",
    "南方",
    "北京",
    "上海",
    "广东",
    "老客户",
    "老顾客",
    "常客",
    "新客",
    "买家",
    "卖家",
    "宝妈",
    "学生",
    "顾客",
    "客户",
    "本人",
    "韩国",
    "韩版",
    "韩式",
    "法国",
    "欧式",
    "美国",
    "日本",
    "英国",
    "陈列",
    "李子",
    "杨梅",
    "高价",
    "高跟",
    "黄金",
    "白金",
    "林业",
    "孔雀",
    "毛衣",
    "毛巾",
    "毛绒",
    "汤圆",
    "汤勺",
    "孙子",
    "范围",
    "苏宁",
    "常规",
    "常温",
    "顾问",
    "龙井",
    "夏天",
    "夏季",
    "秋天",
    "冬天",
    "春天",
    "温度",
    "包装",
    "包裹",
    "金额",
    "邮政",
    "邮费",
    "齐全",
    "向日葵",
    "单位",
    "公司",
    "公众号",
    "东西",
    "华为",
    "明天",
    "明年",
    "管理",
    "谢谢",
    "文件",
    "戴森",
    "雷达",
    "方法",
    "方式",
    "杜蕾斯",
    "黑色",
    "红色",
    "蓝色",
    "紫色",
    "程度",
    "成都",
    "陆续",
    "江西",
    "湖南",
    "湖北",
    "余下",
];
/// Two-character surnames, tried before the single ones.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙", "宇文", "司徒", "夏侯",
    "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "太史", "申屠", "闻人", "万俟", "钟离",
];
/// Common single-character surnames (the few hundred that cover nearly everyone).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";

impl PiiScanner {
    pub fn new(order_words: &[String]) -> PiiScanner {
        // H: Han characters that can be part of a place name (not common verbs and pronouns,
        // so 寄到文三路… keeps 寄到).
        let h = r"[\p{Han}--[的了是到在我你他她把给寄送发收址从往去来和与或及请帮改填写住]]";
        let address = format!(
            r"(?x)
            (?P<keep>(?:{h}{{2,6}}?(?:省|自治区))?(?:{h}{{2,6}}?市)?)
            (?P<rest>
              (?:{h}{{1,6}}?(?:区|县|旗))?
              (?:{h}{{1,8}}?(?:街道|镇|乡))?
              (?:
                 (?:{h}|[A-Za-z0-9]){{1,10}}?(?:路|街|大道|道|巷|胡同)(?:[东西南北中一二三四五六七八九十]+段)?[0-9０-９一二三四五六七八九十百零]+(?:号|弄|巷)
               | (?:{h}|[A-Za-z0-9]){{1,10}}?(?:小区|花园|公寓|大厦|家园|新村|苑|园|院|村)(?:{h}|[A-Za-z0-9]){{0,8}}?[0-9０-９一二三四五六七八九十]+(?:栋|幢|号楼|座|单元|号|组|队)
              )
              (?:{h}|[A-Za-z0-9０-９\-－])*
            )"
        );
        PiiScanner {
            email: Regex::new(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
                .expect("email regex"),
            address: Regex::new(&address).expect("address regex"),
            // QQ numbers after QQ / 扣扣 / 企鹅, WeChat ids after 微信 / vx / wx / 加V … (an id starts
            // with a letter; a phone given as the WeChat id is a phone).
            qq: Regex::new(r"(?i:qq|扣扣|企鹅)(?:号码|号)?(?:是|为)?[：:\s]*(?P<id>[1-9][0-9]{4,10})(?:[^0-9@]|$)")
                .expect("qq regex"),
            wechat: Regex::new(
                r"(?:微信|威信|薇信|[Vv]信|(?i:vx|wx|weixin|wechat)|加[Vv])(?:号码|号)?(?:是|为|吧|呀|哈|呗)?[：:\s]*(?P<id>[A-Za-z][A-Za-z0-9_\-]{3,19})",
            )
            .expect("wechat regex"),
            name_cues: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(NAME_CUES_STRONG.iter().chain(NAME_CUES_WEAK))
                .expect("name cue automaton"),
            surnames: char_set(SURNAMES),
            name_stops: char_set(NAME_STOP_CHARS),
            order_words: order_words.to_vec(),
            cues: char_set(CUES),
        }
    }

    /// Every PII item, in text order, non-overlapping.
    pub fn find(&self, text: &str) -> Vec<Found> {
        let mut found: Vec<Found> = Vec::new();
        // One pass over the characters decides which of the regexes can match at all. Most
        // characters are none of the cues: one bitmap test each.
        let (mut at, mut addr, mut place, mut name) = (false, false, false, false);
        // An address needs a number right before 号 / 弄 / 栋 … (文三路123号, 3栋), whatever else.
        let (mut numbered, mut after_numeral) = (false, false);
        let mut digits = 0usize;
        let (mut qq, mut wechat) = (false, false);
        for c in text.chars() {
            if digit(c).is_some() {
                digits += 1;
                after_numeral = true;
                continue;
            }
            if pdigit(c).is_some() {
                digits += 1;
            }
            if !self.cues.contains(c) {
                after_numeral = false;
                continue;
            }
            match c {
                '@' | '＠' => at = true,
                '号' | '栋' | '幢' | '室' | '弄' | '座' | '单' | '组' => addr = true,
                '路' | '街' | '巷' | '胡' | '区' | '园' | '寓' | '厦' | '村' | '苑' | '道' | '县' | '镇' => {
                    place = true
                }
                '收' | '姓' | '联' | '叫' | '名' | '本' | '是' | '给' | '签' | '称' | '户' => name = true,
                'q' | 'Q' | '扣' | '企' => qq = true,
                '微' | '威' | '薇' | '信' | 'v' | 'V' | 'w' | 'W' => wechat = true,
                _ => {}
            }
            if after_numeral && matches!(c, '号' | '弄' | '巷' | '栋' | '幢' | '座' | '单' | '组') {
                numbered = true;
            }
            after_numeral = CHINESE_NUMERALS.contains(c);
        }
        if at {
            self.emails(text, &mut found);
        }
        if addr && place && digits > 0 && numbered {
            self.addresses(text, &mut found);
        }
        if qq {
            self.handles(&self.qq, "qq", text, &mut found);
        }
        if wechat {
            self.handles(&self.wechat, "wechat", text, &mut found);
        }
        if name {
            self.names(text, &mut found);
        }
        if digits == 0 {
            return found; // e-mails and names: never overlapping
        }
        // A phone, ID or card has at least 7 digits (see `classify`).
        if digits >= MIN_NUMBER_DIGITS {
            let taken = Taken::new(found.iter().map(|f| (f.m.start, f.m.end)));
            for chain in chains(text) {
                if !taken.overlaps(chain.start(), chain.end()) {
                    self.classify_chain(text, &chain, &mut found);
                    continue;
                }
                // Part of the chain is inside an address or e-mail (…1单元302 173-2700-0080): the
                // groups outside it are numbers of their own.
                let mut parts: Vec<Chain> = vec![Chain { plus: None, groups: Vec::new() }];
                for g in chain.groups {
                    let (gs, ge) = (g.chars[0].1, g.chars[g.chars.len() - 1].2);
                    if taken.overlaps(gs, ge) {
                        parts.push(Chain { plus: None, groups: Vec::new() });
                    } else {
                        parts.last_mut().expect("a part").groups.push(g);
                    }
                }
                for p in parts.iter().filter(|p| !p.groups.is_empty()) {
                    self.classify_chain(text, p, &mut found);
                }
            }
        }
        if found.iter().any(|f| f.m.kind == "phone") || (name && text.contains('收')) {
            self.bare_names(text, &mut found);
        }
        found.sort_by_key(|f| f.m.start);
        let mut out: Vec<Found> = Vec::with_capacity(found.len());
        for f in found {
            if out.last().is_some_and(|l| f.m.start < l.m.end) {
                continue;
            }
            out.push(f);
        }
        out
    }

    /// `text` with every found item masked.
    pub fn mask<'a>(text: &'a str, found: &[Found]) -> Cow<'a, str> {
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut edits: Vec<&(usize, usize, Edit)> = found.iter().flat_map(|f| f.edits.iter()).collect();
        edits.sort_by_key(|e| e.0);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e, edit) in edits {
            if *s < at {
                continue;
            }
            out.push_str(&text[at..*s]);
            match edit {
                Edit::Stars => {
                    for c in text[*s..*e].chars() {
                        out.push(if c.is_whitespace() { c } else { '*' });
                    }
                }
                Edit::Fixed(f) => out.push_str(f),
            }
            at = *e;
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    fn emails(&self, text: &str, found: &mut Vec<Found>) {
        for m in self.email.find_iter(text) {
            let s = m.as_str();
            let at = s.find(['@', '＠']).unwrap_or(0);
            let first = s.chars().next().map_or(0, char::len_utf8);
            let edits = if at > first { vec![(m.start() + first, m.start() + at, Edit::Fixed("***"))] } else { vec![] };
            found.push(Found { m: pii("email", m.start(), m.end()), edits });
        }
    }

    fn addresses(&self, text: &str, found: &mut Vec<Found>) {
        for c in self.address.captures_iter(text) {
            let (Some(all), Some(rest)) = (c.get(0), c.name("rest")) else { continue };
            if rest.as_str().chars().count() < 4 {
                continue;
            }
            found.push(Found {
                m: pii("address", all.start(), all.end()),
                edits: vec![(rest.start(), rest.end(), Edit::Stars)],
            });
        }
    }

    /// QQ numbers and WeChat ids after their cue words: everything but the first character
    /// masked.
    fn handles(&self, re: &Regex, kind: &str, text: &str, found: &mut Vec<Found>) {
        for c in re.captures_iter(text) {
            let Some(id) = c.name("id") else { continue };
            found.push(keep_first(text, kind, id.start(), id.end()));
        }
    }

    /// Names after a cue word (收件人, 我叫, 我是 …): the surname kept, the rest masked.
    fn names(&self, text: &str, found: &mut Vec<Found>) {
        for m in self.name_cues.find_iter(text) {
            let strong = m.pattern().as_usize() < NAME_CUES_STRONG.len();
            if let Some((start, end)) = self.name_at(text, m.end(), strong) {
                found.push(keep_first(text, "name", start, end));
            }
        }
    }

    /// Names with no cue word: a name standing alone right before a phone number (石磊，191…) or
    /// before 收 (丁一收), between separators.
    fn bare_names(&self, text: &str, found: &mut Vec<Found>) {
        let is_gap = |c: char| matches!(c, ' ' | '，' | ',' | '：' | ':' | '\u{3000}' | '；' | ';');
        let mut ends: Vec<usize> = found
            .iter()
            .filter(|f| f.m.kind == "phone")
            .map(|f| text[..f.m.start].trim_end_matches(is_gap).len())
            .collect();
        ends.extend(text.match_indices('收').filter_map(|(i, _)| {
            let after = text[i + '收'.len_utf8()..].chars().next();
            after.is_none_or(|c| is_gap(c) || matches!(c, '。' | '！' | '!')).then_some(i)
        }));
        // Overlap with what was found before the bare names, looked up in O(log n) (a long text
        // has many phones and many finds).
        let taken = Taken::new(found.iter().map(|f| (f.m.start, f.m.end)));
        let longest = *name_chars(true).end().max(name_chars(false).end());
        for end in ends {
            // The run of Han characters before `end`, looked at no further than a name can be long.
            let run: Vec<(usize, char)> = text[..end]
                .char_indices()
                .rev()
                .take_while(|&(_, c)| matches!(c, '\u{4E00}'..='\u{9FFF}'))
                .take(longest + 1)
                .collect();
            if run.len() > longest {
                continue; // longer than any name
            }
            let run_start = run.last().map_or(end, |&(i, _)| i);
            let starts_clean = text[..run_start].chars().next_back().is_none_or(|c| is_gap(c) || !c.is_alphanumeric());
            if run_start == end || !starts_clean || taken.overlaps(run_start, end) {
                continue;
            }
            let run = &text[run_start..end];
            let fits = |compound| name_chars(compound).contains(&run.chars().count());
            if !is_common_word(run) && self.surname(run).is_some_and(fits) {
                found.push(keep_first(text, "name", run_start, end));
            }
        }
    }

    /// The name that starts at byte `at` (after a cue word, a linking 是 / 为 / 叫 / colon or
    /// space): 2–3 Han characters (4 with a two-character surname) up to a stop character.
    fn name_at(&self, text: &str, at: usize, strong: bool) -> Option<(usize, usize)> {
        let mut start = at;
        for (i, c) in text[at..].char_indices() {
            if matches!(c, '是' | '为' | '叫' | '：' | ':' | ' ' | '\u{3000}') && i < 6 {
                start = at + i + c.len_utf8();
                continue;
            }
            break;
        }
        let rest = &text[start..];
        if is_common_word(rest) {
            return None;
        }
        let first = rest.chars().next()?;
        let surname = self.surname(rest);
        if surname.is_none() && (!strong || self.name_stops.contains(first)) {
            return None;
        }
        let compound = surname == Some(true);
        let chars = name_chars(compound);
        let max = *chars.end();
        let mut end = start;
        let mut n = 0;
        for c in rest.chars() {
            let han = matches!(c, '\u{4E00}'..='\u{9FFF}');
            if !han || n >= max || (n >= if compound { 2 } else { 1 } && self.name_stops.contains(c)) {
                break;
            }
            end += c.len_utf8();
            n += 1;
        }
        (n >= *chars.start()).then_some((start, end))
    }

    /// Whether `s` starts with a known surname: `Some(true)` a two-character one (欧阳),
    /// `Some(false)` a single one, `None` neither.
    fn surname(&self, s: &str) -> Option<bool> {
        if COMPOUND_SURNAMES.iter().any(|c| s.starts_with(c)) {
            return Some(true);
        }
        s.chars().next().filter(|&c| self.surnames.contains(c)).map(|_| false)
    }

    fn classify_chain(&self, text: &str, chain: &Chain, found: &mut Vec<Found>) {
        // Digits right after two capital letters are a tracking or model number (JDVA175…, SF12…).
        let before = &text.as_bytes()[..chain.start()];
        if before.len() >= 2 && before[before.len() - 2..].iter().all(u8::is_ascii_uppercase) {
            return;
        }
        let ctx = order_context(text, chain.start(), &self.order_words);
        let n = chain.groups.len();
        if let Some(f) = classify(chain, 0, n, ctx) {
            found.push(f);
            return;
        }
        if n == 1 {
            return;
        }
        // Separators may join two numbers (订单号 123… 138 1234 5678): try group windows.
        let mut i = 0;
        while i < n {
            let mut matched = false;
            for j in (i + 1..=n.min(i + MAX_WINDOW_GROUPS)).rev() {
                if i == 0 && j == n {
                    continue;
                }
                if let Some(f) = classify(chain, i, j, ctx && i == 0) {
                    found.push(f);
                    i = j;
                    matched = true;
                    break;
                }
            }
            if !matched {
                i += 1;
            }
        }
    }
}

/// How many characters a name has, surname included.
fn name_chars(compound_surname: bool) -> std::ops::RangeInclusive<usize> {
    if compound_surname {
        3..=4
    } else {
        2..=3
    }
}

/// `s` starts with a common word that starts like a name (马上, 周末, 老客户 …).
fn is_common_word(s: &str) -> bool {
    NOT_NAMES.iter().any(|w| s.starts_with(w))
}

/// A match masked but for its first character (a name's surname, an id's first letter).
fn keep_first(text: &str, kind: &str, start: usize, end: usize) -> Found {
    let first = text[start..].chars().next().map_or(0, char::len_utf8);
    Found { m: pii(kind, start, end), edits: vec![(start + first, end, Edit::Stars)] }
}

fn char_set(chars: &str) -> CharSet {
    chars.chars().fold(CharSet::default(), |mut set, c| {
        set.insert(c);
        set
    })
}

fn pii(kind: &str, start: usize, end: usize) -> PiiMatch {
    PiiMatch { kind: kind.to_string(), start, end }
}

/// Digits (and a trailing X) with the byte range of each.
struct Group {
    chars: Vec<(char, usize, usize)>,
    /// Written in numerals (一三八) rather than digits: where the two meet is a group boundary
    /// (提现到6259 … 3026一直失败 is a card and then 一直).
    spoken: bool,
}

/// Digit groups joined by single separators, with an optional leading `+`.
struct Chain {
    plus: Option<usize>,
    groups: Vec<Group>,
}

impl Chain {
    fn start(&self) -> usize {
        self.plus.unwrap_or(self.groups[0].chars[0].1)
    }
    fn end(&self) -> usize {
        self.groups.last().and_then(|g| g.chars.last()).map_or(0, |c| c.2)
    }
}

/// Characters that join the digit groups of one number: spaces and dashes, and the dots,
/// slashes and commas people and speech-to-text put between a phone's groups (195.9090.1734,
/// 130/4260/0764, 幺三九，二四四零，五三三八). A group may also end in a closing parenthesis, an
/// area code's: (0755)26581234.
fn is_sep(c: char) -> bool {
    matches!(c, ' ' | '-' | '－' | '\u{3000}' | '—' | '‐' | '\u{a0}' | '.' | '/' | '／' | '、' | '，' | ',' | '·')
}

fn chains(text: &str) -> Vec<Chain> {
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    let mut cur: Option<Chain> = None;
    let mut after_sep = false;
    while let Some((i, c)) = it.next() {
        let next_is_digit = it.peek().is_some_and(|&(_, n)| pdigit(n).is_some());
        if let Some(d) = pdigit(c) {
            let end = i + c.len_utf8();
            let spoken = digit(c).is_none();
            let group = || Group { chars: vec![(d, i, end)], spoken };
            match cur.as_mut() {
                Some(ch) if after_sep || ch.groups.last().is_none_or(|g| g.spoken != spoken) => ch.groups.push(group()),
                Some(ch) => ch.groups.last_mut().expect("a group").chars.push((d, i, end)),
                None => cur = Some(Chain { plus: None, groups: vec![group()] }),
            }
            after_sep = false;
            continue;
        }
        let id_check = |ch: &Chain| ch.groups.iter().map(|g| g.chars.len()).sum::<usize>() >= 17;
        if (c == 'X' || c == 'x') && !after_sep && cur.as_ref().is_some_and(id_check) {
            if let Some(ch) = cur.as_mut() {
                ch.groups.last_mut().expect("a group").chars.push(('X', i, i + 1));
            }
            out.extend(cur.take().filter(|ch| !ch.groups.is_empty()));
            continue;
        }
        let has_groups = cur.as_ref().is_some_and(|ch| !ch.groups.is_empty());
        if (c == ')' || c == '）') && has_groups && !after_sep {
            // An area code's closing parenthesis, maybe with a space: (025) 45940548.
            if !next_is_digit && it.peek().is_some_and(|&(_, n)| n == ' ') {
                let after_space = text[i + c.len_utf8() + 1..].chars().next();
                if after_space.is_some_and(|n| pdigit(n).is_some()) {
                    it.next();
                    after_sep = true;
                    continue;
                }
            }
            if next_is_digit {
                after_sep = true;
                continue;
            }
        }
        if is_sep(c) && next_is_digit && !after_sep && has_groups {
            after_sep = true;
            continue;
        }
        out.extend(cur.take().filter(|ch| !ch.groups.is_empty()));
        after_sep = false;
        if (c == '+' || c == '＋') && next_is_digit {
            cur = Some(Chain { plus: Some(i), groups: Vec::new() });
        }
    }
    out.extend(cur.take().filter(|ch| !ch.groups.is_empty()));
    out
}

/// Classify groups i..j of a chain; `ctx` = an order-number word stands before it.
fn classify(chain: &Chain, i: usize, j: usize, ctx: bool) -> Option<Found> {
    let chars: Vec<(char, usize, usize)> = chain.groups[i..j].iter().flat_map(|g| g.chars.iter().copied()).collect();
    if chars.len() < MIN_NUMBER_DIGITS {
        return None;
    }
    let d: String = chars.iter().map(|c| c.0).collect();
    let plus = chain.plus.filter(|_| i == 0);
    let start = plus.unwrap_or(chars[0].1);
    let end = chars[chars.len() - 1].2;
    let stars = |from: usize, to: usize| -> Vec<(usize, usize, Edit)> {
        chars[from..to].iter().map(|c| (c.1, c.2, Edit::Stars)).collect()
    };
    // Country code: +86…, 0086…, or 86 + a mobile number.
    let prefix = if plus.is_some() && d.starts_with("86") {
        2
    } else if d.starts_with("0086") {
        4
    } else if d.len() == 13 && d.starts_with("86") && is_mobile(&d[2..]) {
        2
    } else {
        0
    };
    let national = &d[prefix..];
    if is_mobile(national) {
        return Some(Found { m: pii("phone", start, end), edits: stars(prefix + 3, prefix + 7) });
    }
    if ctx || prefix > 0 {
        return None;
    }
    if let Some(area) = landline_area(&d, j - i > 1 && chain.groups[i].chars.len() <= 4) {
        return Some(Found { m: pii("landline", start, end), edits: stars(area, d.len() - 4) });
    }
    if is_id18(&d) || is_id15(&d) {
        return Some(Found { m: pii("id_card", start, end), edits: stars(6, d.len() - 4) });
    }
    if (16..=19).contains(&d.len()) && !d.starts_with('0') && luhn(&d) {
        return Some(Found { m: pii("bank_card", start, end), edits: stars(4, d.len() - 4) });
    }
    None
}

/// Area-code length if `d` is a landline: 010/02X + 8 digits, or 0XXX + 7–8 digits. Without a
/// separator after the area code only the full 11/12-digit forms count.
fn landline_area(d: &str, separated: bool) -> Option<usize> {
    let b = d.as_bytes();
    if b.len() < 10 || b[0] != b'0' || b[1] == b'0' || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let area = if b[1] == b'1' || b[1] == b'2' { 3 } else { 4 };
    let local = b.len() - area;
    let ok = if area == 3 { local == 8 } else { local == 7 || local == 8 };
    (ok && (separated || b.len() >= 11)).then_some(area)
}

/// Byte spans already found (addresses, e-mails, names), for "does this number overlap one?"
/// in O(log n): sorted by start, with the largest end so far (comparing every number with every
/// span made a long text's masking quadratic).
struct Taken {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Taken {
    fn new(spans: impl Iterator<Item = (usize, usize)>) -> Taken {
        let mut spans: Vec<(usize, usize)> = spans.collect();
        spans.sort_unstable();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for &(_, e) in &spans {
            m = m.max(e);
            max_end.push(m);
        }
        Taken { starts: spans.into_iter().map(|(s, _)| s).collect(), max_end }
    }

    /// Whether `[start, end)` overlaps a span: one that starts before `end` and ends after `start`.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        let before_end = self.starts.partition_point(|&s| s < end);
        before_end > 0 && self.max_end[before_end - 1] > start
    }
}
