//! Turns planned contacts into chat messages, sessions and call utterances,
//! planting service violations and personal data on the way.

use crate::model::{Contact, Kind, World};
use crate::rng::Rng;
use crate::table::V;
use crate::vocab::*;

/// Rows produced for a slice of one day's contacts.
#[derive(Default)]
pub struct Out {
    pub messages: Vec<Vec<V>>,
    pub sessions: Vec<Vec<V>>,
    pub calls: Vec<Vec<V>>,
    pub slow: Vec<Vec<V>>,
    pub forbidden: Vec<Vec<V>>,
    pub no_greeting: Vec<Vec<V>>,
    pub no_closing: Vec<Vec<V>>,
    pub unresolved: Vec<Vec<V>>,
    pub high_risk: Vec<Vec<V>>,
    pub pii: Vec<Vec<V>>,
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
        if c.call {
            render_call(w, c, dt, &mut rng, &mut out);
        } else {
            render_session(w, c, dt, &mut rng, &mut out);
        }
    }
    out
}

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

struct Msg {
    sender: &'static str,
    text: String,
    mtype: &'static str,
    t: i64,
}

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

fn fill(t: &str, shop: &str, nick: &str) -> String {
    t.replace("{shop}", shop).replace("{nick}", nick)
}

fn render_session(w: &World, c: &Contact, dt: &str, rng: &mut Rng, out: &mut Out) {
    let shop = &w.shops[c.shop as usize];
    let agent = &w.agents[shop.agents[rng.below(shop.agents.len() as u64) as usize] as usize];
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

    // ---- topic: first customer text, bot answer, agent exchanges [(customer, agent)]
    let mut first: Vec<(String, &'static str)> = Vec::new();
    let bot_answer: String;
    let mut exchanges: Vec<(Option<String>, String)> = Vec::new();
    let mut risk_words: Vec<&'static str> = Vec::new();
    match c.kind {
        Kind::PreSale { product } => {
            let p = &w.products[product as usize];
            let hot = &w.hot[p.category];
            let ws: Vec<f64> = hot.iter().map(|x| x.1).collect();
            let k = [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.below(9) as usize];
            let mut qs: Vec<usize> = Vec::new();
            for _ in 0..k * 3 {
                let q = hot[rng.weighted(&ws)].0;
                if !qs.contains(&q) {
                    qs.push(q);
                }
                if qs.len() == k {
                    break;
                }
            }
            if rng.chance(0.25) {
                first.push((
                    format!("[商品卡片] {} ¥{}.{:02}", p.name, p.price_cents / 100, p.price_cents % 100),
                    "card",
                ));
            }
            let q0 = &QUESTIONS[qs[0]];
            first.push((
                {
                    let t = rng.pick(q0.paraphrases);
                    decorate(rng, t)
                },
                "text",
            ));
            rng.next_u64();
            bot_answer = q0.bot.to_string();
            let price = format!("{}", p.price_cents / 100);
            for (i, q) in qs.iter().enumerate() {
                let q = &QUESTIONS[*q];
                let ans = rng.pick(q.answers).replace("{p}", &p.name).replace("{price}", &price);
                let cq = if i == 0 {
                    None
                } else {
                    Some({
                        let t = rng.pick(q.paraphrases);
                        decorate(rng, t)
                    })
                };
                rng.next_u64();
                exchanges.push((cq, ans));
                if q.canonical == "有没有优惠券" && rng.chance(0.5) {
                    exchanges.push((None, format!("\u{1}{}", rng.pick(COUPON_CARDS))));
                }
            }
        }
        Kind::AfterSale { order, issue } | Kind::Complaint { order, issue } => {
            let o = &w.orders[order as usize];
            let is = &ISSUES[issue as usize];
            let line = rng.pick(is.customer);
            let line =
                if line.contains("{o}") { line.replace("{o}", &o.id) } else { format!("{line}，订单号{}", o.id) };
            if c.follow_up > 0 {
                first.push((
                    [
                        format!("我已经是第{}次联系你们了，{line}", c.follow_up + 1),
                        format!("又来问了，{line}"),
                        format!("刚才问的还没回复，{line}"),
                    ][rng.below(3) as usize]
                        .clone(),
                    "text",
                ));
            } else {
                first.push((decorate(rng, &line), "text"));
            }
            bot_answer = is.bot.to_string();
            exchanges.push((None, rng.pick(AGENT_CHECKING).to_string()));
            exchanges.push((None, rng.pick(is.agent).to_string()));
            let nf = rng.range(1, 4);
            for _ in 0..nf {
                let f = rng.pick(is.followups);
                exchanges.push((
                    Some(if f == "[图片]" { "\u{2}[图片]".to_string() } else { decorate(rng, f) }),
                    rng.pick(AGENT_ACKS).to_string(),
                ));
            }
            if complaint {
                exchanges.push((
                    Some(rng.pick(ANGRY_LINES).to_string()),
                    "非常抱歉给您带来不好的体验，我们马上为您加急处理".to_string(),
                ));
                let n = rng.range(1, 3);
                for _ in 0..n {
                    let (l, words) = rng.pick(COMPLAINT_LINES);
                    for wd in words.iter() {
                        if !risk_words.contains(wd) {
                            risk_words.push(wd);
                        }
                    }
                    exchanges.push((
                        Some(l.to_string()),
                        "亲，非常理解您的心情，已经升级给主管处理，今天内给您答复".to_string(),
                    ));
                }
            }
        }
        Kind::RefundChat { refund } => {
            let r = &w.refunds[refund as usize];
            let o = &w.orders[r.order as usize];
            let line = if r.code == SEVEN_DAY && r.cause != 9 {
                [
                    format!("{}，我申请七天无理由退了，订单{}", r.chat_text, o.id),
                    format!("订单{}，{}，已经点了七天无理由退货", o.id, r.chat_text),
                ][rng.below(2) as usize]
                    .clone()
            } else {
                format!("{}，已经申请退款了，订单{}，帮忙处理下", r.chat_text, o.id)
            };
            first.push((line, "text"));
            bot_answer = "亲，退款申请已收到，我们会尽快为您处理~".to_string();
            exchanges.push((None, rng.pick(AGENT_CHECKING).to_string()));
            exchanges.push((None, "好的亲，已经看到您的申请了，这边尽快为您处理".to_string()));
            if rng.chance(0.5) {
                exchanges.push((Some("\u{2}[图片]".to_string()), rng.pick(AGENT_ACKS).to_string()));
            }
        }
        Kind::Outbound { .. } => unreachable!("outbound contacts are calls"),
    }
    if forbid {
        let i = rng.below(exchanges.len() as u64) as usize;
        let (l, word) = rng.pick(RUDE_LINES);
        exchanges[i].1 = format!("\u{3}{word}\u{3}{l}");
    }

    // ---- timeline
    let t0 = w.day_start[c.day as usize] + c.secs as i64 * 1000 + rng.range(0, 1000);
    let mut d = Dlg { msgs: Vec::with_capacity(20), t: t0 };
    let opener = !bot_first && rng.chance(0.3);
    if opener {
        d.push("customer", rng.pick(OPENERS).to_string(), "text", 0);
    } else {
        for (i, (text, ty)) in first.iter().enumerate() {
            let g = if i == 0 { 0 } else { rng.range(2_000, 8_000) };
            d.push("customer", text.clone(), ty, g);
        }
    }
    let waited = (d.t - t0) / 1000;
    let first_gap_s: i64 = if slow {
        rng.range(200, 901)
    } else if bot_first {
        waited + rng.range(1, 4)
    } else {
        rng.range(waited + 3, (waited + 4).max(49))
    };
    if slow && rng.chance(0.6) {
        d.push(
            "customer",
            ["在吗？？", "有人吗", "人呢", "???"][rng.below(4) as usize].to_string(),
            "text",
            rng.range(60_000, 150_000),
        );
    }
    let first_reply_at = t0 + first_gap_s * 1000;
    d.t = first_reply_at - 1; // the next push (gap 1 ms) lands exactly on first_reply_at
    let mut forbidden_hit: Option<(usize, String)> = None;
    let mut first_done = false;
    if bot_first {
        d.push("bot", bot_answer.clone(), "text", 1);
        first_done = true;
    } else if !no_greet {
        let g = fill(rng.pick(GREETINGS), &shop.name, agent.nick);
        d.push("agent", g, "text", 1);
        first_done = true;
    } else if opener {
        d.push("agent", ["在的，请说", "在的亲", "嗯，请讲"][rng.below(3) as usize].to_string(), "text", 1);
        first_done = true;
    }
    if opener {
        for (i, (text, ty)) in first.iter().enumerate() {
            let g = if i == 0 { rng.range(4_000, 30_000) } else { rng.range(2_000, 8_000) };
            d.push("customer", text.clone(), ty, g);
        }
    }
    if bot_first && transfer {
        let a = rng.pick(TRANSFER_ASKS).to_string();
        d.cust(rng, a);
        d.push("system", SYSTEM_TRANSFER.to_string(), "text", 1_000);
        if !no_greet {
            let g = fill(rng.pick(GREETINGS), &shop.name, agent.nick);
            d.agent(rng, g);
        }
    }
    if !human {
        // the bot handles it
        for (cq, _) in exchanges.iter().skip(1) {
            if let Some(q) = cq {
                if !q.starts_with(['\u{1}', '\u{2}']) {
                    d.cust(rng, q.clone());
                    let b = rng.pick(BOT_ENDS).to_string();
                    d.push("bot", b, "text", rng.range(1_000, 3_000));
                    break;
                }
            }
        }
        if pii {
            let (text, items) = crate::pii::pii_message(rng);
            let mi = d.cust(rng, text);
            d.push("bot", "亲，信息已收到~".to_string(), "text", rng.range(1_000, 3_000));
            for (k, v) in items {
                out.pii.push(vec![V::S(msg_id(&c.id, mi)), V::S(c.id.clone()), V::St(k), V::S(v)]);
            }
        }
        let th = {
            let t = rng.pick(CUSTOMER_THANKS);
            decorate(rng, t)
        };
        rng.next_u64();
        d.cust(rng, th);
        let b = rng.pick(BOT_ENDS).to_string();
        d.push("bot", b, "text", rng.range(1_000, 3_000));
    } else {
        let pii_at = if pii { rng.below(exchanges.len() as u64) as usize } else { usize::MAX };
        let mut pii_items: Vec<(usize, &'static str, String)> = Vec::new();
        for (i, (cq, ans)) in exchanges.iter().enumerate() {
            if i == pii_at && first_done {
                let (text, items) = crate::pii::pii_message(rng);
                let mi = d.cust(rng, text);
                for (k, v) in items {
                    pii_items.push((mi, k, v));
                }
                let a = rng.pick(AGENT_ACKS).to_string();
                d.agent(rng, a);
            }
            if let Some(q) = cq {
                if let Some(img) = q.strip_prefix('\u{2}') {
                    let g = rng.range(4_000, 30_000);
                    d.push("customer", img.to_string(), "image", g);
                } else {
                    d.cust(rng, q.clone());
                }
            }
            let exact = !first_done;
            first_done = true;
            let gap = |rng: &mut Rng| if exact { 1 } else { rng.range(3_000, 40_000) };
            if let Some(card) = ans.strip_prefix('\u{1}') {
                let g = if exact { 1 } else { rng.range(2_000, 10_000) };
                d.push("agent", card.to_string(), "card", g);
            } else if let Some(rest) = ans.strip_prefix('\u{3}') {
                let (word, line) = rest.split_once('\u{3}').unwrap();
                let g = gap(rng);
                let mi = d.push("agent", line.to_string(), "text", g);
                forbidden_hit = Some((mi, word.to_string()));
            } else {
                let g = gap(rng);
                d.push("agent", ans.clone(), "text", g);
            }
        }
        if unresolved {
            let q = ["那到底什么时候能处理好？", "还在吗？", "？？？", "那我怎么办", "你倒是说话啊", "然后呢"]
                [rng.below(6) as usize]
                .to_string();
            d.cust(rng, q);
        } else {
            let th = {
                let t = rng.pick(CUSTOMER_THANKS);
                decorate(rng, t)
            };
            rng.next_u64();
            d.cust(rng, th);
            if no_close {
                let a = ["好的亲", "嗯嗯", "好的", "收到"][rng.below(4) as usize].to_string();
                d.agent(rng, a);
            } else {
                let cl = fill(rng.pick(CLOSINGS), &shop.name, agent.nick);
                d.agent(rng, cl);
            }
        }
        for (mi, k, v) in pii_items {
            out.pii.push(vec![V::S(msg_id(&c.id, mi)), V::S(c.id.clone()), V::St(k), V::S(v)]);
        }
    }

    // ---- rows
    let sid = &c.id;
    let shop_id = &shop.id;
    let cust_id = format!("c{:06}", c.customer + 1);
    for (i, m) in d.msgs.iter().enumerate() {
        let aid = if m.sender == "agent" { V::S(agent.id.clone()) } else { V::N };
        out.messages.push(vec![
            V::S(msg_id(sid, i)),
            V::S(sid.clone()),
            V::St(c.platform),
            V::S(shop_id.clone()),
            V::S(cust_id.clone()),
            aid,
            V::St(m.sender),
            V::T(m.t),
            V::S(m.text.clone()),
            V::St(m.mtype),
        ]);
    }
    let started = d.msgs[0].t;
    let ended = d.msgs.last().unwrap().t;
    let bad = slow || forbid || unresolved || complaint || c.follow_up > 0;
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
    out.sessions.push(vec![
        V::S(sid.clone()),
        V::St(c.platform),
        V::S(shop_id.clone()),
        V::S(cust_id),
        if human { V::S(agent.id.clone()) } else { V::N },
        if human { V::S(agent.team.clone()) } else { V::N },
        V::T(started),
        V::T(ended),
        V::B(bot_first && transfer),
        csat.map(V::I).unwrap_or(V::N),
        comment.map(V::S).unwrap_or(V::N),
    ]);

    // ---- truth
    let dts = || V::S(dt.to_string());
    if slow {
        out.slow.push(vec![V::S(sid.clone()), dts(), V::I(first_gap_s as i32)]);
    }
    if let Some((mi, word)) = forbidden_hit {
        out.forbidden.push(vec![V::S(sid.clone()), V::S(msg_id(sid, mi)), dts(), V::S(word)]);
    }
    if human && no_greet {
        out.no_greeting.push(vec![V::S(sid.clone()), dts()]);
    }
    if human && (no_close || unresolved) {
        out.no_closing.push(vec![V::S(sid.clone()), dts()]);
    }
    if unresolved {
        out.unresolved.push(vec![V::S(sid.clone()), dts()]);
    }
    for wd in risk_words {
        out.high_risk.push(vec![V::S(sid.clone()), V::St("chat"), dts(), V::St(wd)]);
    }
}

pub fn msg_id(sid: &str, i: usize) -> String {
    format!("{sid}-{i:02}")
}

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

fn render_call(w: &World, c: &Contact, dt: &str, rng: &mut Rng, out: &mut Out) {
    let shop = &w.shops[c.shop as usize];
    let agent = &w.agents[shop.agents[rng.below(shop.agents.len() as u64) as usize] as usize];
    let outbound = matches!(c.kind, Kind::Outbound { .. });
    let mut lines: Vec<(&'static str, String)> = Vec::new();
    let mut risk: Vec<&'static str> = Vec::new();
    if outbound {
        lines.push(("agent", fill(rng.pick(CALL_OUTBOUND_OPEN), &shop.name, agent.nick)));
        for _ in 0..rng.range(2, 5) {
            lines.push(("customer", {
                let t = rng.pick(CALL_CUSTOMER_OUTBOUND);
                asr(rng, t)
            }));
            rng.next_u64();
            lines.push(("agent", {
                let t = rng.pick(CALL_AGENT_REPLIES);
                asr(rng, t)
            }));
            rng.next_u64();
        }
    } else {
        lines.push(("agent", fill(rng.pick(CALL_AGENT_OPEN), &shop.name, agent.nick)));
        let order = match c.kind {
            Kind::AfterSale { order, .. } | Kind::Complaint { order, .. } => Some(order),
            _ => None,
        };
        if c.follow_up > 0 {
            lines.push(("customer", format!("我已经打了{}次电话了 一直没解决", c.follow_up + 1)));
        }
        match c.kind {
            Kind::PreSale { product } => {
                let p = &w.products[product as usize];
                lines.push(("customer", format!("我想问一下那个{}", p.name)));
                let q = &QUESTIONS[w.hot[p.category][0].0];
                lines.push(("customer", {
                    let t = rng.pick(q.paraphrases);
                    asr(rng, t)
                }));
                rng.next_u64();
                lines.push(("agent", {
                    let t = rng.pick(q.answers);
                    asr(rng, t)
                }));
                rng.next_u64();
            }
            _ => {
                lines.push(("customer", {
                    let t = rng.pick(&CALL_CUSTOMER_LINES[..6]);
                    asr(rng, t)
                }));
            }
        }
        if let Some(o) = order {
            lines.push(("agent", "麻烦您报一下订单号".to_string()));
            lines.push(("customer", format!("订单号是 {}", w.orders[o as usize].id)));
        }
        for _ in 0..rng.range(1, 5) {
            lines.push(("agent", {
                let t = rng.pick(CALL_AGENT_REPLIES);
                asr(rng, t)
            }));
            rng.next_u64();
            lines.push(("customer", {
                let t = rng.pick(&CALL_CUSTOMER_LINES[6..]);
                asr(rng, t)
            }));
            rng.next_u64();
        }
        if matches!(c.kind, Kind::Complaint { .. }) {
            for _ in 0..rng.range(1, 3) {
                let (l, words) = rng.pick(COMPLAINT_LINES);
                for wd in words.iter() {
                    if !risk.contains(wd) {
                        risk.push(wd);
                    }
                }
                lines.push(("customer", asr(rng, l)));
                lines.push(("agent", "非常抱歉 这边马上给您升级处理".to_string()));
            }
        }
    }
    lines.push(("agent", "好的 那就先这样 祝您生活愉快 再见".to_string()));
    let started = w.day_start[c.day as usize] + c.secs as i64 * 1000 + rng.range(0, 1000);
    let cust_id = format!("c{:06}", c.customer + 1);
    let mut off: i64 = rng.range(500, 3_000);
    for (i, (sp, text)) in lines.into_iter().enumerate() {
        let dur = text.chars().count() as i64 * rng.range(180, 320) + rng.range(300, 1500);
        out.calls.push(vec![
            V::S(c.id.clone()),
            V::S(shop.id.clone()),
            V::S(cust_id.clone()),
            V::S(agent.id.clone()),
            V::S(agent.team.clone()),
            V::St(if outbound { "outbound" } else { "inbound" }),
            V::T(started),
            V::I(i as i32),
            V::St(sp),
            V::L(off),
            V::S(text),
        ]);
        off += dur;
    }
    for wd in risk {
        out.high_risk.push(vec![V::S(c.id.clone()), V::St("call"), V::S(dt.to_string()), V::St(wd)]);
    }
}
