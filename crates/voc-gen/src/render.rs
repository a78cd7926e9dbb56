//! Turns planned contacts into chat messages, sessions and call utterances,
//! planting service violations and personal data on the way.
//!
//! A chat session is rendered in parts: its plan (who serves, what goes wrong), its
//! topic (what is said, by contact [`Kind`]), the opening (first customer messages,
//! the first reply, a transfer to an agent), the service by the bot or an agent, the
//! ending, and its rows and truth. A call is a list of utterances.

use crate::pii::{pii_message, PiiItem};
use crate::rng::Rng;
use crate::table::{Cell, Row};
use crate::vocab::*;
use crate::world::{customer_id, Agent, Channel, Contact, Kind, Shop, World};

/// Rows produced for a slice of one day's contacts.
#[derive(Default)]
pub struct Out {
    pub messages: Vec<Row>,
    pub sessions: Vec<Row>,
    pub calls: Vec<Row>,
    pub slow: Vec<Row>,
    pub forbidden: Vec<Row>,
    pub no_greeting: Vec<Row>,
    pub no_closing: Vec<Row>,
    pub unresolved: Vec<Row>,
    pub high_risk: Vec<Row>,
    pub pii: Vec<Row>,
}

impl Out {
    pub fn append(&mut self, mut o: Out) {
        self.messages.append(&mut o.messages);
        self.sessions.append(&mut o.sessions);
        self.calls.append(&mut o.calls);
        self.slow.append(&mut o.slow);
        self.forbidden.append(&mut o.forbidden);
        self.no_greeting.append(&mut o.no_greeting);
        self.no_closing.append(&mut o.no_closing);
        self.unresolved.append(&mut o.unresolved);
        self.high_risk.append(&mut o.high_risk);
        self.pii.append(&mut o.pii);
    }
}

pub fn render(w: &World, contacts: &[Contact], dt: &str) -> Out {
    let mut out = Out::default();
    for c in contacts {
        let mut rng = Rng::new(&[w.seed, 60, c.day as u64, c.seq as u64]);
        match c.channel {
            Channel::Call => render_call(w, c, dt, &mut rng, &mut out),
            Channel::Chat => render_session(w, c, dt, &mut rng, &mut out),
        }
    }
    out
}

pub fn msg_id(sid: &str, i: usize) -> String {
    format!("{sid}-{i:02}")
}

/// A canned line typed the way customers type: typos, greetings, particles, punctuation, emoji.
fn decorate(rng: &mut Rng, s: &str) -> String {
    let mut s = s.to_string();
    if rng.chance(0.12) {
        let (a, b) = rng.pick(TYPOS);
        if s.contains(a) {
            s = s.replacen(a, b, 1);
        }
    }
    if rng.chance(0.12)
        && s.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && !s.starts_with(['好', '明', '行', 'o', '那', '我'])
    {
        s = format!("{}{s}", ["亲，", "请问", "你好，", "hi "][rng.below(4) as usize]);
    }
    let ends_cjk = s.chars().last().is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let is_question = !s.starts_with(['好', '明', '行', 'o', '那', '我']);
    if ends_cjk && is_question && !s.ends_with(['啊', '吗', '呢', '哈', '呀', '吧', '不']) && rng.chance(0.25) {
        s.push_str(rng.pick(PARTICLES));
    }
    let ends_cjk = s.chars().last().is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if ends_cjk && rng.chance(0.2) {
        s.push_str(if is_question {
            ["？", "?", "??", "？？"][rng.below(4) as usize]
        } else {
            ["。", "！", "~"][rng.below(3) as usize]
        });
    }
    if rng.chance(0.15) {
        s.push_str(rng.pick(EMOJIS));
    }
    s
}

/// One of `lines`, typed by a customer ([`decorate`]), then a spare draw (part of the pinned stream).
fn typed(rng: &mut Rng, lines: &[&str]) -> String {
    let t = rng.pick(lines);
    let s = decorate(rng, t);
    rng.next_u64();
    s
}

fn fill(t: &str, shop: &str, nick: &str) -> String {
    t.replace("{shop}", shop).replace("{nick}", nick)
}

/// The agent who takes a contact: any agent of the shop.
fn pick_agent<'w>(w: &'w World, shop: &Shop, rng: &mut Rng) -> &'w Agent {
    &w.agents[shop.agents[rng.below(shop.agents.len() as u64) as usize] as usize]
}

fn pii_row(c: &Contact, message: usize, item: PiiItem) -> Row {
    vec![Cell::Text(msg_id(&c.id, message)), Cell::Text(c.id.clone()), Cell::Static(item.kind), Cell::Text(item.value)]
}

// ---- chat sessions

struct Msg {
    sender: &'static str,
    text: String,
    mtype: &'static str,
    t: i64,
}

/// A dialogue being timed: its messages and the clock.
struct Dlg {
    msgs: Vec<Msg>,
    t: i64,
}

impl Dlg {
    fn push(&mut self, sender: &'static str, text: String, mtype: &'static str, gap_ms: i64) -> usize {
        if !self.msgs.is_empty() {
            self.t += gap_ms.max(1);
        }
        self.msgs.push(Msg { sender, text, mtype, t: self.t });
        self.msgs.len() - 1
    }
    fn cust(&mut self, rng: &mut Rng, text: String) -> usize {
        let g = rng.range(4_000, 60_000);
        self.push("customer", text, "text", g)
    }
    fn agent(&mut self, rng: &mut Rng, text: String) -> usize {
        let g = rng.range(3_000, 40_000);
        self.push("agent", text, "text", g)
    }
}

/// Who serves a session and what goes wrong in it, drawn before any text.
struct SessionPlan {
    /// the shop's bot answers first
    bot_first: bool,
    /// the bot hands the customer over to an agent
    transfer: bool,
    /// an agent serves the customer (from the start or after a transfer)
    human: bool,
    /// the first reply is late (`_truth/slow_first_reply`)
    slow: bool,
    /// one agent reply holds a forbidden phrase (`_truth/forbidden_words`)
    forbid: bool,
    /// the agent never greets (`_truth/no_greeting`)
    no_greet: bool,
    /// the agent never closes (`_truth/no_closing`)
    no_close: bool,
    /// the customer's last message stays unanswered (`_truth/unresolved`)
    unresolved: bool,
    /// the customer writes personal data (`_truth/pii`)
    pii: bool,
}

impl SessionPlan {
    fn draw(rng: &mut Rng, c: &Contact) -> Self {
        let p_bot = match c.platform {
            "tmall" | "jd" => 0.85,
            "douyin" => 0.5,
            "pdd" => 0.3,
            _ => 0.6,
        };
        let bot_first = rng.chance(p_bot);
        let presale = matches!(c.kind, Kind::PreSale { .. });
        let complaint = matches!(c.kind, Kind::Complaint { .. });
        let transfer = bot_first && (complaint || rng.chance(if presale { 0.55 } else { 0.9 }));
        let human = !bot_first || transfer;
        let slow = human && !bot_first && rng.chance(0.04);
        let forbid = human && rng.chance(0.03);
        let no_greet = human && rng.chance(0.04);
        let no_close = human && rng.chance(0.04);
        let unresolved = human && rng.chance(0.04);
        let pii = rng.chance(0.03);
        SessionPlan { bot_first, transfer, human, slow, forbid, no_greet, no_close, unresolved, pii }
    }
}

/// A customer message of the opening: its text and msg_type.
struct Said {
    text: String,
    mtype: &'static str,
}

/// What the customer sends before an agent's reply.
enum Ask {
    Text(String),
    /// a photo (`[图片]`, msg_type image)
    Image,
}

/// What the agent replies.
enum Reply {
    Text(String),
    /// a coupon card (msg_type card)
    Card(&'static str),
    /// a rude line holding the forbidden `word` (`vocab::RUDE_LINES`)
    Rude {
        line: &'static str,
        word: &'static str,
    },
}

/// One step of the agent's part: perhaps a customer message, then the agent's reply.
struct Exchange {
    ask: Option<Ask>,
    reply: Reply,
}

/// What is said in a session, before it is timed.
struct Topic {
    /// the customer's first message(s)
    first: Vec<Said>,
    /// the bot's answer to them
    bot_answer: String,
    /// the agent's part
    exchanges: Vec<Exchange>,
    /// high-risk words the customer uses (complaints)
    risk_words: Vec<&'static str>,
}

fn render_session(w: &World, c: &Contact, dt: &str, rng: &mut Rng, out: &mut Out) {
    let shop = &w.shops[c.shop as usize];
    let agent = pick_agent(w, shop, rng);
    let plan = SessionPlan::draw(rng, c);
    let mut topic = match c.kind {
        Kind::PreSale { product } => presale_topic(w, rng, product),
        Kind::AfterSale { order, issue } | Kind::Complaint { order, issue } => issue_topic(w, c, rng, order, issue),
        Kind::RefundChat { refund } => refund_topic(w, rng, refund),
        Kind::Outbound { .. } => unreachable!("outbound contacts are calls"),
    };
    if plan.forbid {
        let i = rng.below(topic.exchanges.len() as u64) as usize;
        let (line, word) = rng.pick(RUDE_LINES);
        topic.exchanges[i].reply = Reply::Rude { line, word };
    }

    let t0 = w.day_start[c.day as usize] + c.secs as i64 * 1000 + rng.range(0, 1000);
    let mut d = Dlg { msgs: Vec::with_capacity(20), t: t0 };
    let opening = open_session(&mut d, rng, &plan, &topic, shop, agent);
    let mut forbidden_hit = None;
    if plan.human {
        forbidden_hit = agent_serves(&mut d, rng, c, &plan, &topic, opening.first_done, out);
        agent_ends(&mut d, rng, &plan, shop, agent);
    } else {
        bot_serves(&mut d, rng, c, &plan, &topic, out);
    }

    session_rows(out, rng, c, shop, agent, &plan, &d);
    let sid = &c.id;
    let dts = || Cell::Text(dt.to_string());
    if plan.slow {
        out.slow.push(vec![Cell::Text(sid.clone()), dts(), Cell::Int(opening.first_gap_s as i32)]);
    }
    if let Some((mi, word)) = forbidden_hit {
        out.forbidden.push(vec![Cell::Text(sid.clone()), Cell::Text(msg_id(sid, mi)), dts(), Cell::Static(word)]);
    }
    if plan.human && plan.no_greet {
        out.no_greeting.push(vec![Cell::Text(sid.clone()), dts()]);
    }
    if plan.human && (plan.no_close || plan.unresolved) {
        out.no_closing.push(vec![Cell::Text(sid.clone()), dts()]);
    }
    if plan.unresolved {
        out.unresolved.push(vec![Cell::Text(sid.clone()), dts()]);
    }
    for wd in topic.risk_words {
        out.high_risk.push(vec![Cell::Text(sid.clone()), Cell::Static("chat"), dts(), Cell::Static(wd)]);
    }
}

/// A pre-sale session: one to five questions from the category's hot questions (the
/// first one weighs in `_truth/hot_questions`), sometimes a product card first and a
/// coupon card in the answers.
fn presale_topic(w: &World, rng: &mut Rng, product: u32) -> Topic {
    let p = &w.products[product as usize];
    let hot = &w.hot[p.category];
    let ws: Vec<f64> = hot.iter().map(|x| x.weight).collect();
    let k = [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.below(9) as usize];
    let mut qs: Vec<usize> = Vec::new();
    for _ in 0..k * 3 {
        let q = hot[rng.weighted(&ws)].question;
        if !qs.contains(&q) {
            qs.push(q);
        }
        if qs.len() == k {
            break;
        }
    }
    let mut first = Vec::new();
    if rng.chance(0.25) {
        let text = format!("[商品卡片] {} ¥{}.{:02}", p.name, p.price_cents / 100, p.price_cents % 100);
        first.push(Said { text, mtype: "card" });
    }
    let q0 = &QUESTIONS[qs[0]];
    first.push(Said { text: typed(rng, q0.paraphrases), mtype: "text" });
    let price = format!("{}", p.price_cents / 100);
    let mut exchanges = Vec::new();
    for (i, q) in qs.iter().enumerate() {
        let q = &QUESTIONS[*q];
        let ans = rng.pick(q.answers).replace("{p}", &p.name).replace("{price}", &price);
        // the first question was asked in the opening
        let ask = if i == 0 {
            rng.next_u64();
            None
        } else {
            Some(Ask::Text(typed(rng, q.paraphrases)))
        };
        exchanges.push(Exchange { ask, reply: Reply::Text(ans) });
        if q.canonical == "有没有优惠券" && rng.chance(0.5) {
            exchanges.push(Exchange { ask: None, reply: Reply::Card(rng.pick(COUPON_CARDS)) });
        }
    }
    Topic { first, bot_answer: q0.bot.to_string(), exchanges, risk_words: Vec::new() }
}

/// An after-sale session or complaint about an order's issue (`vocab::ISSUES`): the agent
/// checks, answers and acknowledges follow-ups; a complaint adds angry lines with
/// high-risk words.
fn issue_topic(w: &World, c: &Contact, rng: &mut Rng, order: u32, issue: u8) -> Topic {
    let o = &w.orders[order as usize];
    let is = &ISSUES[issue as usize];
    let line = rng.pick(is.customer);
    let line = if line.contains("{o}") { line.replace("{o}", &o.id) } else { format!("{line}，订单号{}", o.id) };
    let text = if c.follow_up > 0 {
        [
            format!("我已经是第{}次联系你们了，{line}", c.follow_up + 1),
            format!("又来问了，{line}"),
            format!("刚才问的还没回复，{line}"),
        ][rng.below(3) as usize]
            .clone()
    } else {
        decorate(rng, &line)
    };
    let mut exchanges = Vec::new();
    exchanges.push(Exchange { ask: None, reply: Reply::Text(rng.pick(AGENT_CHECKING).to_string()) });
    exchanges.push(Exchange { ask: None, reply: Reply::Text(rng.pick(is.agent).to_string()) });
    let nf = rng.range(1, 4);
    for _ in 0..nf {
        let f = rng.pick(is.followups);
        let ask = if f == "[图片]" { Ask::Image } else { Ask::Text(decorate(rng, f)) };
        exchanges.push(Exchange { ask: Some(ask), reply: Reply::Text(rng.pick(AGENT_ACKS).to_string()) });
    }
    let mut risk_words = Vec::new();
    if matches!(c.kind, Kind::Complaint { .. }) {
        exchanges.push(Exchange {
            ask: Some(Ask::Text(rng.pick(ANGRY_LINES).to_string())),
            reply: Reply::Text("非常抱歉给您带来不好的体验，我们马上为您加急处理".to_string()),
        });
        let n = rng.range(1, 3);
        for _ in 0..n {
            let (l, words) = rng.pick(COMPLAINT_LINES);
            for wd in words.iter() {
                if !risk_words.contains(wd) {
                    risk_words.push(wd);
                }
            }
            exchanges.push(Exchange {
                ask: Some(Ask::Text(l.to_string())),
                reply: Reply::Text("亲，非常理解您的心情，已经升级给主管处理，今天内给您答复".to_string()),
            });
        }
    }
    Topic { first: vec![Said { text, mtype: "text" }], bot_answer: is.bot.to_string(), exchanges, risk_words }
}

/// A chat about a refund: the customer states the true cause (`Refund::chat_text`), also
/// when the refund's code hides it behind 七天无理由.
fn refund_topic(w: &World, rng: &mut Rng, refund: u32) -> Topic {
    let r = &w.refunds[refund as usize];
    let o = &w.orders[r.order as usize];
    let text = if r.code == SEVEN_DAY && r.cause != cause::CHANGED_MIND {
        [
            format!("{}，我申请七天无理由退了，订单{}", r.chat_text, o.id),
            format!("订单{}，{}，已经点了七天无理由退货", o.id, r.chat_text),
        ][rng.below(2) as usize]
            .clone()
    } else {
        format!("{}，已经申请退款了，订单{}，帮忙处理下", r.chat_text, o.id)
    };
    let mut exchanges = Vec::new();
    exchanges.push(Exchange { ask: None, reply: Reply::Text(rng.pick(AGENT_CHECKING).to_string()) });
    exchanges
        .push(Exchange {
            ask: None, reply: Reply::Text("好的亲，已经看到您的申请了，这边尽快为您处理".to_string())
        });
    if rng.chance(0.5) {
        exchanges.push(Exchange { ask: Some(Ask::Image), reply: Reply::Text(rng.pick(AGENT_ACKS).to_string()) });
    }
    Topic {
        first: vec![Said { text, mtype: "text" }],
        bot_answer: "亲，退款申请已收到，我们会尽快为您处理~".to_string(),
        exchanges,
        risk_words: Vec::new(),
    }
}

/// How a session opened.
struct Opening {
    /// seconds from the first customer message to the first bot/agent message
    first_gap_s: i64,
    /// the first reply has been sent
    first_done: bool,
}

/// The opening: the customer's first messages (or a bare "在吗" first), the first reply
/// exactly `first_gap_s` after the first message — from the bot, a greeting agent or a
/// terse one — and a bot's transfer to an agent.
fn open_session(d: &mut Dlg, rng: &mut Rng, plan: &SessionPlan, topic: &Topic, shop: &Shop, agent: &Agent) -> Opening {
    let t0 = d.t;
    let opener = !plan.bot_first && rng.chance(0.3);
    if opener {
        d.push("customer", rng.pick(OPENERS).to_string(), "text", 0);
    } else {
        say_first(d, rng, &topic.first, false);
    }
    let waited = (d.t - t0) / 1000;
    let first_gap_s: i64 = if plan.slow {
        rng.range(200, 901)
    } else if plan.bot_first {
        waited + rng.range(1, 4)
    } else {
        rng.range(waited + 3, (waited + 4).max(49))
    };
    if plan.slow && rng.chance(0.6) {
        d.push(
            "customer",
            ["在吗？？", "有人吗", "人呢", "???"][rng.below(4) as usize].to_string(),
            "text",
            rng.range(60_000, 150_000),
        );
    }
    let first_reply_at = t0 + first_gap_s * 1000;
    d.t = first_reply_at - 1; // the next push (gap 1 ms) lands exactly on first_reply_at
    let mut first_done = false;
    if plan.bot_first {
        d.push("bot", topic.bot_answer.clone(), "text", 1);
        first_done = true;
    } else if !plan.no_greet {
        let g = fill(rng.pick(GREETINGS), &shop.name, agent.nick);
        d.push("agent", g, "text", 1);
        first_done = true;
    } else if opener {
        d.push("agent", ["在的，请说", "在的亲", "嗯，请讲"][rng.below(3) as usize].to_string(), "text", 1);
        first_done = true;
    }
    if opener {
        say_first(d, rng, &topic.first, true);
    }
    if plan.bot_first && plan.transfer {
        let a = rng.pick(TRANSFER_ASKS).to_string();
        d.cust(rng, a);
        d.push("system", SYSTEM_TRANSFER.to_string(), "text", 1_000);
        if !plan.no_greet {
            let g = fill(rng.pick(GREETINGS), &shop.name, agent.nick);
            d.agent(rng, g);
        }
    }
    Opening { first_gap_s, first_done }
}

/// The customer's first messages, the first one right away (or a while after a bare opener).
fn say_first(d: &mut Dlg, rng: &mut Rng, first: &[Said], after_opener: bool) {
    for (i, s) in first.iter().enumerate() {
        let g = if i > 0 {
            rng.range(2_000, 8_000)
        } else if after_opener {
            rng.range(4_000, 30_000)
        } else {
            0
        };
        d.push("customer", s.text.clone(), s.mtype, g);
    }
}

/// The bot handles the session alone: perhaps one more question, personal data, thanks.
fn bot_serves(d: &mut Dlg, rng: &mut Rng, c: &Contact, plan: &SessionPlan, topic: &Topic, out: &mut Out) {
    for ex in topic.exchanges.iter().skip(1) {
        if let Some(Ask::Text(q)) = &ex.ask {
            d.cust(rng, q.clone());
            let b = rng.pick(BOT_ENDS).to_string();
            d.push("bot", b, "text", rng.range(1_000, 3_000));
            break;
        }
    }
    if plan.pii {
        let (text, items) = pii_message(rng);
        let mi = d.cust(rng, text);
        d.push("bot", "亲，信息已收到~".to_string(), "text", rng.range(1_000, 3_000));
        for item in items {
            out.pii.push(pii_row(c, mi, item));
        }
    }
    let th = typed(rng, CUSTOMER_THANKS);
    d.cust(rng, th);
    let b = rng.pick(BOT_ENDS).to_string();
    d.push("bot", b, "text", rng.range(1_000, 3_000));
}

/// An agent works through the exchanges, personal data somewhere among them. Returns the
/// message holding the forbidden word, if one was planted.
fn agent_serves(
    d: &mut Dlg,
    rng: &mut Rng,
    c: &Contact,
    plan: &SessionPlan,
    topic: &Topic,
    mut first_done: bool,
    out: &mut Out,
) -> Option<(usize, &'static str)> {
    let pii_at = if plan.pii { rng.below(topic.exchanges.len() as u64) as usize } else { usize::MAX };
    let mut forbidden_hit = None;
    for (i, ex) in topic.exchanges.iter().enumerate() {
        if i == pii_at && first_done {
            let (text, items) = pii_message(rng);
            let mi = d.cust(rng, text);
            for item in items {
                out.pii.push(pii_row(c, mi, item));
            }
            let a = rng.pick(AGENT_ACKS).to_string();
            d.agent(rng, a);
        }
        match &ex.ask {
            Some(Ask::Image) => {
                let g = rng.range(4_000, 30_000);
                d.push("customer", "[图片]".to_string(), "image", g);
            }
            Some(Ask::Text(q)) => {
                d.cust(rng, q.clone());
            }
            None => {}
        }
        // without a greeting, the first agent reply is the first reply, at its exact time
        let exact = !first_done;
        first_done = true;
        let gap = |rng: &mut Rng| if exact { 1 } else { rng.range(3_000, 40_000) };
        match &ex.reply {
            Reply::Card(card) => {
                let g = if exact { 1 } else { rng.range(2_000, 10_000) };
                d.push("agent", card.to_string(), "card", g);
            }
            Reply::Rude { line, word } => {
                let g = gap(rng);
                let mi = d.push("agent", line.to_string(), "text", g);
                forbidden_hit = Some((mi, *word));
            }
            Reply::Text(ans) => {
                let g = gap(rng);
                d.push("agent", ans.clone(), "text", g);
            }
        }
    }
    forbidden_hit
}

/// The end of an agent's session: an unanswered customer message, or thanks and the
/// agent's closing (or a bare acknowledgement without one).
fn agent_ends(d: &mut Dlg, rng: &mut Rng, plan: &SessionPlan, shop: &Shop, agent: &Agent) {
    if plan.unresolved {
        let q = ["那到底什么时候能处理好？", "还在吗？", "？？？", "那我怎么办", "你倒是说话啊", "然后呢"]
            [rng.below(6) as usize]
            .to_string();
        d.cust(rng, q);
    } else {
        let th = typed(rng, CUSTOMER_THANKS);
        d.cust(rng, th);
        if plan.no_close {
            let a = ["好的亲", "嗯嗯", "好的", "收到"][rng.below(4) as usize].to_string();
            d.agent(rng, a);
        } else {
            let cl = fill(rng.pick(CLOSINGS), &shop.name, agent.nick);
            d.agent(rng, cl);
        }
    }
}

/// The session's `chat_messages` rows and its `chat_sessions` row, with a CSAT score from
/// about half of the customers (low after a bad session) and sometimes a comment.
fn session_rows(out: &mut Out, rng: &mut Rng, c: &Contact, shop: &Shop, agent: &Agent, plan: &SessionPlan, d: &Dlg) {
    let sid = &c.id;
    let cust_id = customer_id(c.customer);
    for (i, m) in d.msgs.iter().enumerate() {
        let aid = if m.sender == "agent" { Cell::Text(agent.id.clone()) } else { Cell::Null };
        out.messages.push(vec![
            Cell::Text(msg_id(sid, i)),
            Cell::Text(sid.clone()),
            Cell::Static(c.platform),
            Cell::Text(shop.id.clone()),
            Cell::Text(cust_id.clone()),
            aid,
            Cell::Static(m.sender),
            Cell::Timestamp(m.t),
            Cell::Text(m.text.clone()),
            Cell::Static(m.mtype),
        ]);
    }
    let started = d.msgs[0].t;
    let ended = d.msgs.last().unwrap().t;
    let complaint = matches!(c.kind, Kind::Complaint { .. });
    let bad = plan.slow || plan.forbid || plan.unresolved || complaint || c.follow_up > 0;
    let csat = if rng.chance(0.55) {
        Some(if bad { rng.range(1, 4) as i32 } else { [5, 5, 5, 4, 4, 3][rng.below(6) as usize] })
    } else {
        None
    };
    let comment = csat.and_then(|s| {
        if rng.chance(0.3) {
            let opts: Vec<&str> = CSAT_COMMENTS.iter().filter(|(_, r)| (*r - s).abs() <= 1).map(|(t, _)| *t).collect();
            if opts.is_empty() {
                None
            } else {
                Some(rng.pick(&opts).to_string())
            }
        } else {
            None
        }
    });
    let human = plan.human;
    out.sessions.push(vec![
        Cell::Text(sid.clone()),
        Cell::Static(c.platform),
        Cell::Text(shop.id.clone()),
        Cell::Text(cust_id),
        if human { Cell::Text(agent.id.clone()) } else { Cell::Null },
        if human { Cell::Text(agent.team.clone()) } else { Cell::Null },
        Cell::Timestamp(started),
        Cell::Timestamp(ended),
        Cell::Bool(plan.bot_first && plan.transfer),
        csat.map(Cell::Int).unwrap_or(Cell::Null),
        comment.map(Cell::Text).unwrap_or(Cell::Null),
    ]);
}

// ---- calls

/// One utterance of a call.
struct Utterance {
    speaker: &'static str,
    text: String,
}

fn utter(speaker: &'static str, text: String) -> Utterance {
    Utterance { speaker, text }
}

/// Speech as the ASR writes it: punctuation often gone, fillers.
fn asr(rng: &mut Rng, s: &str) -> String {
    let mut t: String = if rng.chance(0.6) {
        s.chars().map(|c| if "，。！？、,.!?~".contains(c) { ' ' } else { c }).collect::<String>().trim().to_string()
    } else {
        s.to_string()
    };
    if rng.chance(0.35) {
        t = format!("{} {t}", rng.pick(CALL_FILLERS));
    }
    t
}

/// One of `lines` as the ASR writes it, then a spare draw (part of the pinned stream).
fn spoken(rng: &mut Rng, lines: &[&str]) -> String {
    let t = rng.pick(lines);
    let s = asr(rng, t);
    rng.next_u64();
    s
}

fn render_call(w: &World, c: &Contact, dt: &str, rng: &mut Rng, out: &mut Out) {
    let shop = &w.shops[c.shop as usize];
    let agent = pick_agent(w, shop, rng);
    let outbound = matches!(c.kind, Kind::Outbound { .. });
    let mut risk: Vec<&'static str> = Vec::new();
    let mut lines =
        if outbound { outbound_call(rng, shop, agent) } else { inbound_call(w, c, rng, shop, agent, &mut risk) };
    lines.push(utter("agent", "好的 那就先这样 祝您生活愉快 再见".to_string()));
    let started = w.day_start[c.day as usize] + c.secs as i64 * 1000 + rng.range(0, 1000);
    let cust_id = customer_id(c.customer);
    let mut off: i64 = rng.range(500, 3_000);
    for (i, u) in lines.into_iter().enumerate() {
        let dur = u.text.chars().count() as i64 * rng.range(180, 320) + rng.range(300, 1500);
        out.calls.push(vec![
            Cell::Text(c.id.clone()),
            Cell::Text(shop.id.clone()),
            Cell::Text(cust_id.clone()),
            Cell::Text(agent.id.clone()),
            Cell::Text(agent.team.clone()),
            Cell::Static(if outbound { "outbound" } else { "inbound" }),
            Cell::Timestamp(started),
            Cell::Int(i as i32),
            Cell::Static(u.speaker),
            Cell::Long(off),
            Cell::Text(u.text),
        ]);
        off += dur;
    }
    for wd in risk {
        out.high_risk.push(vec![
            Cell::Text(c.id.clone()),
            Cell::Static("call"),
            Cell::Text(dt.to_string()),
            Cell::Static(wd),
        ]);
    }
}

/// The shop calls the customer: an opening and two to four exchanges.
fn outbound_call(rng: &mut Rng, shop: &Shop, agent: &Agent) -> Vec<Utterance> {
    let mut lines = vec![utter("agent", fill(rng.pick(CALL_OUTBOUND_OPEN), &shop.name, agent.nick))];
    for _ in 0..rng.range(2, 5) {
        lines.push(utter("customer", spoken(rng, CALL_CUSTOMER_OUTBOUND)));
        lines.push(utter("agent", spoken(rng, CALL_AGENT_REPLIES)));
    }
    lines
}

/// The customer calls: a pre-sale question or an order's issue (with its order number),
/// exchanges, and for a complaint high-risk words (collected in `risk`).
fn inbound_call(
    w: &World,
    c: &Contact,
    rng: &mut Rng,
    shop: &Shop,
    agent: &Agent,
    risk: &mut Vec<&'static str>,
) -> Vec<Utterance> {
    let mut lines = vec![utter("agent", fill(rng.pick(CALL_AGENT_OPEN), &shop.name, agent.nick))];
    if c.follow_up > 0 {
        lines.push(utter("customer", format!("我已经打了{}次电话了 一直没解决", c.follow_up + 1)));
    }
    let order = match c.kind {
        Kind::PreSale { product } => {
            let p = &w.products[product as usize];
            lines.push(utter("customer", format!("我想问一下那个{}", p.name)));
            let q = &QUESTIONS[w.hot[p.category][0].question];
            lines.push(utter("customer", spoken(rng, q.paraphrases)));
            lines.push(utter("agent", spoken(rng, q.answers)));
            None
        }
        _ => {
            let t = rng.pick(&CALL_CUSTOMER_LINES[..6]);
            lines.push(utter("customer", asr(rng, t)));
            match c.kind {
                Kind::AfterSale { order, .. } | Kind::Complaint { order, .. } => Some(order),
                _ => None,
            }
        }
    };
    if let Some(o) = order {
        lines.push(utter("agent", "麻烦您报一下订单号".to_string()));
        lines.push(utter("customer", format!("订单号是 {}", w.orders[o as usize].id)));
    }
    for _ in 0..rng.range(1, 5) {
        lines.push(utter("agent", spoken(rng, CALL_AGENT_REPLIES)));
        lines.push(utter("customer", spoken(rng, &CALL_CUSTOMER_LINES[6..])));
    }
    if matches!(c.kind, Kind::Complaint { .. }) {
        for _ in 0..rng.range(1, 3) {
            let (l, words) = rng.pick(COMPLAINT_LINES);
            for wd in words.iter() {
                if !risk.contains(wd) {
                    risk.push(wd);
                }
            }
            lines.push(utter("customer", asr(rng, l)));
            lines.push(utter("agent", "非常抱歉 这边马上给您升级处理".to_string()));
        }
    }
    lines
}
