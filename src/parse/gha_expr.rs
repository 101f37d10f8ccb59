//! GitHub Actions expressions: finding `${{ ... }}` in a string and parsing what is inside.
//!
//! Grammar (GitHub's "Expressions" reference): literals (`null`, booleans, numbers including
//! hex and exponents, `'single quoted'` strings with `''` as the escape), context access
//! (`a.b`, `a['b']`, `a.*.b`, `a[expr]`), function calls, `!`, comparisons, `&&`, `||` and
//! parentheses. Operators of one precedence level are kept in a flat chain and postfix
//! accesses in a flat path, so the tree is only as deep as the bracket nesting, which is
//! bounded.

use crate::source::Span;

/// Deepest bracket/`!` nesting accepted by [`parse`].
pub(crate) const MAX_DEPTH: usize = 64;

/// One `${{ ... }}` found in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExprOccurrence {
    /// The whole `${{ ... }}`, relative to the searched string.
    pub span: Span,
    /// The text between `${{` and `}}` (untrimmed), relative to the searched string.
    pub inner: Span,
}

impl ExprOccurrence {
    /// The inner expression's text, trimmed.
    pub(crate) fn inner_text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.inner.range()).unwrap_or("").trim()
    }

    /// Parses the inner expression.
    pub(crate) fn parse(&self, text: &str) -> Result<Expr, String> {
        parse(self.inner_text(text))
    }
}

/// Every `${{ ... }}` in `text`, in order. A `}}` inside a `'...'` string literal does not
/// close the expression; an unterminated `${{` is not reported.
pub(crate) fn find_expressions(text: &str) -> Vec<ExprOccurrence> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("${{")) {
        let start = from + found;
        let inner_start = start + 3;
        let mut p = inner_start;
        let mut in_string = false;
        let mut close = None;
        while let Some(&b) = bytes.get(p) {
            if in_string {
                // `''` inside a string is an escaped quote: two toggles leave us inside.
                if b == b'\'' {
                    in_string = false;
                }
            } else if b == b'\'' {
                in_string = true;
            } else if b == b'}' && bytes.get(p + 1) == Some(&b'}') {
                close = Some(p);
                break;
            }
            p += 1;
        }
        let Some(close) = close else {
            break;
        };
        out.push(ExprOccurrence {
            span: Span::new(start, close + 2),
            inner: Span::new(inner_start, close),
        });
        from = close + 2;
    }
    out
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A bare name: a context (`github`, `env`, `steps`, `matrix`, ...), as written.
    Context(String),
    /// `name(args...)`, name as written (GitHub matches function names case-insensitively).
    Call {
        name: String,
        args: Vec<Expr>,
    },
    /// Property, filter and index accesses applied in order to `base`.
    Access {
        base: Box<Expr>,
        path: Vec<Accessor>,
    },
    Not(Box<Expr>),
    /// `first op1 e1 op2 e2 ...`, left-associative, all operators of one precedence level.
    Binary {
        first: Box<Expr>,
        rest: Vec<(BinOp, Expr)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Accessor {
    /// `.name` or `['name']`.
    Property(String),
    /// `.*` (object filter) or `[*]`.
    Star,
    /// `[expr]` with a non-string index (number or computed).
    Index(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Expr {
    /// Every context path referenced, lower-cased and dotted (`github.event.issue.title`,
    /// `github.event.commits.*.message`), including those in function arguments, in first-seen
    /// order without duplicates. `a['b']` becomes `a.b`, `a[0]` becomes `a.0`, and a computed
    /// index `a[x.y]` becomes `a.*` (while `x.y` is listed on its own).
    pub(crate) fn contexts(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |path: String| {
            if !out.contains(&path) {
                out.push(path);
            }
        };
        let mut stack: Vec<&Expr> = vec![self];
        while let Some(expr) = stack.pop() {
            match expr {
                Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) => {}
                Expr::Context(name) => push(name.to_lowercase()),
                Expr::Call { args, .. } => stack.extend(args.iter().rev()),
                Expr::Not(inner) => stack.push(inner),
                Expr::Binary { first, rest } => {
                    stack.extend(rest.iter().rev().map(|(_, e)| e));
                    stack.push(first);
                }
                Expr::Access { base, path } => {
                    let mut indexes: Vec<&Expr> = Vec::new();
                    let mut dotted = match base.as_ref() {
                        Expr::Context(name) => Some(name.to_lowercase()),
                        other => {
                            indexes.push(other);
                            None
                        }
                    };
                    for accessor in path {
                        let segment = match accessor {
                            Accessor::Property(name) => name.to_lowercase(),
                            Accessor::Star => "*".to_string(),
                            Accessor::Index(Expr::Number(n)) => format_number(*n),
                            Accessor::Index(other) => {
                                indexes.push(other);
                                "*".to_string()
                            }
                        };
                        if let Some(d) = dotted.as_mut() {
                            d.push('.');
                            d.push_str(&segment);
                        }
                    }
                    if let Some(d) = dotted {
                        push(d);
                    }
                    stack.extend(indexes.into_iter().rev());
                }
            }
        }
        out
    }
}

/// Whether a dotted context path matches a pattern segment by segment, where a `*` segment
/// in the pattern matches any one segment (`github.event.commits.*.message` matches
/// `github.event.commits.0.message`). Case-insensitive.
pub(crate) fn path_matches(path: &str, pattern: &str) -> bool {
    let mut path = path.split('.');
    let mut pattern = pattern.split('.');
    loop {
        match (path.next(), pattern.next()) {
            (None, None) => return true,
            (Some(_), Some("*")) => {}
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {}
            _ => return false,
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Parses one expression (the text inside `${{ }}`, or an `if:` condition).
pub(crate) fn parse(expr: &str) -> Result<Expr, String> {
    let tokens = lex(expr)?;
    let mut parser = ExprParser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let result = parser.expr()?;
    match parser.peek() {
        None => Ok(result),
        Some((token, at)) => Err(format!("unexpected {} at offset {at}", token.describe())),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Number(f64),
    String(String),
    Op(BinOp),
    Not,
    Dot,
    Star,
    Comma,
    LParen,
    RParen,
    LBracket,
    RBracket,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("`{name}`"),
            Token::Number(n) => format!("number {n}"),
            Token::String(_) => "string".to_string(),
            Token::Op(op) => format!("operator {op:?}"),
            Token::Not => "`!`".to_string(),
            Token::Dot => "`.`".to_string(),
            Token::Star => "`*`".to_string(),
            Token::Comma => "`,`".to_string(),
            Token::LParen => "`(`".to_string(),
            Token::RParen => "`)`".to_string(),
            Token::LBracket => "`[`".to_string(),
            Token::RBracket => "`]`".to_string(),
        }
    }
}

fn lex(text: &str) -> Result<Vec<(Token, usize)>, String> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut p = 0;
    while let Some(&b) = bytes.get(p) {
        let start = p;
        let two = bytes.get(p + 1).copied();
        let (token, len) = match b {
            b' ' | b'\t' | b'\r' | b'\n' => {
                p += 1;
                continue;
            }
            b'(' => (Token::LParen, 1),
            b')' => (Token::RParen, 1),
            b'[' => (Token::LBracket, 1),
            b']' => (Token::RBracket, 1),
            b',' => (Token::Comma, 1),
            b'*' => (Token::Star, 1),
            b'!' if two == Some(b'=') => (Token::Op(BinOp::Ne), 2),
            b'!' => (Token::Not, 1),
            b'=' if two == Some(b'=') => (Token::Op(BinOp::Eq), 2),
            b'<' if two == Some(b'=') => (Token::Op(BinOp::Le), 2),
            b'<' => (Token::Op(BinOp::Lt), 1),
            b'>' if two == Some(b'=') => (Token::Op(BinOp::Ge), 2),
            b'>' => (Token::Op(BinOp::Gt), 1),
            b'&' if two == Some(b'&') => (Token::Op(BinOp::And), 2),
            b'|' if two == Some(b'|') => (Token::Op(BinOp::Or), 2),
            b'\'' => {
                let mut value = String::new();
                let mut q = p + 1;
                loop {
                    let Some(rest) = text.get(q..) else {
                        return Err(format!("unterminated string at offset {start}"));
                    };
                    let Some(close) = rest.find('\'') else {
                        return Err(format!("unterminated string at offset {start}"));
                    };
                    value.push_str(rest.get(..close).unwrap_or(""));
                    q += close + 1;
                    if bytes.get(q) == Some(&b'\'') {
                        value.push('\'');
                        q += 1;
                    } else {
                        break;
                    }
                }
                (Token::String(value), q - p)
            }
            b'.' if !two.is_some_and(|c| c.is_ascii_digit()) => (Token::Dot, 1),
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let len = number_len(bytes, p);
                let raw = text.get(p..p + len).unwrap_or("");
                let value = parse_number(raw)
                    .ok_or_else(|| format!("invalid number `{raw}` at offset {start}"))?;
                (Token::Number(value), len)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let mut q = p + 1;
                while bytes
                    .get(q)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
                {
                    q += 1;
                }
                let word = text.get(p..q).unwrap_or("");
                // A dash directly after a word belongs to it (`steps.my-step`), but `a-1` in
                // an operator position is not an operator in this language anyway.
                (Token::Ident(word.to_string()), q - p)
            }
            _ => {
                let c = text.get(p..).and_then(|r| r.chars().next()).unwrap_or('?');
                return Err(format!("unexpected character `{c}` at offset {start}"));
            }
        };
        tokens.push((token, start));
        p += len;
    }
    Ok(tokens)
}

/// Length of the number-like run at `p`: sign, hex digits, `.`, exponent.
fn number_len(bytes: &[u8], p: usize) -> usize {
    let mut q = p;
    if matches!(bytes.get(q), Some(b'-' | b'+')) {
        q += 1;
    }
    let mut prev = 0u8;
    while let Some(&c) = bytes.get(q) {
        let sign_in_exponent = matches!(c, b'-' | b'+') && matches!(prev, b'e' | b'E');
        if c.is_ascii_alphanumeric() || c == b'.' || sign_in_exponent {
            prev = c;
            q += 1;
        } else {
            break;
        }
    }
    (q - p).max(1)
}

fn parse_number(raw: &str) -> Option<f64> {
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let value = if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).ok()? as f64
    } else if let Some(oct) = unsigned.strip_prefix("0o") {
        u64::from_str_radix(oct, 8).ok()? as f64
    } else {
        if !unsigned
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        unsigned.parse::<f64>().ok()?
    };
    Some(if negative { -value } else { value })
}

struct ExprParser {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    depth: usize,
}

impl ExprParser {
    fn peek(&self) -> Option<&(Token, usize)> {
        self.tokens.get(self.pos)
    }

    fn peek_token(&self) -> Option<&Token> {
        self.peek().map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<(Token, usize)> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn unexpected(&self) -> String {
        match self.peek() {
            Some((token, at)) => format!("unexpected {} at offset {at}", token.describe()),
            None => "unexpected end of expression".to_string(),
        }
    }

    fn expect(&mut self, want: Token) -> Result<(), String> {
        if self.peek_token() == Some(&want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "expected {}; {}",
                want.describe(),
                self.unexpected()
            ))
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("expression nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(())
    }

    /// A full expression (the lowest precedence level, `||`).
    fn expr(&mut self) -> Result<Expr, String> {
        self.enter()?;
        let result = self.level(0);
        self.depth -= 1;
        result
    }

    /// Binary operators by precedence, lowest first.
    fn level(&mut self, level: usize) -> Result<Expr, String> {
        const LEVELS: [&[BinOp]; 4] = [
            &[BinOp::Or],
            &[BinOp::And],
            &[BinOp::Eq, BinOp::Ne],
            &[BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge],
        ];
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let first = self.level(level + 1)?;
        let mut rest = Vec::new();
        while let Some(Token::Op(op)) = self.peek_token() {
            let op = *op;
            if !ops.contains(&op) {
                break;
            }
            self.pos += 1;
            rest.push((op, self.level(level + 1)?));
        }
        if rest.is_empty() {
            Ok(first)
        } else {
            Ok(Expr::Binary {
                first: Box::new(first),
                rest,
            })
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_token() == Some(&Token::Not) {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary();
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner?)));
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        let base = self.primary()?;
        let mut path = Vec::new();
        loop {
            match self.peek_token() {
                Some(Token::Dot) => {
                    self.pos += 1;
                    match self.next() {
                        Some((Token::Ident(name), _)) => path.push(Accessor::Property(name)),
                        Some((Token::Star, _)) => path.push(Accessor::Star),
                        _ => {
                            self.pos = self.pos.saturating_sub(1);
                            return Err(format!("expected a property name; {}", self.unexpected()));
                        }
                    }
                }
                Some(Token::LBracket) => {
                    self.pos += 1;
                    if self.peek_token() == Some(&Token::Star) {
                        self.pos += 1;
                        path.push(Accessor::Star);
                    } else {
                        match self.expr()? {
                            Expr::String(name) => path.push(Accessor::Property(name)),
                            index => path.push(Accessor::Index(index)),
                        }
                    }
                    self.expect(Token::RBracket)?;
                }
                _ => break,
            }
        }
        if path.is_empty() {
            Ok(base)
        } else {
            Ok(Expr::Access {
                base: Box::new(base),
                path,
            })
        }
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some((token, _)) = self.next() else {
            return Err(self.unexpected());
        };
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::String(s) => Ok(Expr::String(s)),
            Token::LParen => {
                let inner = self.expr()?;
                self.expect(Token::RParen)?;
                Ok(inner)
            }
            Token::Ident(name) => {
                if self.peek_token() == Some(&Token::LParen) {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if self.peek_token() == Some(&Token::RParen) {
                        self.pos += 1;
                    } else {
                        loop {
                            args.push(self.expr()?);
                            match self.next() {
                                Some((Token::Comma, _)) => {}
                                Some((Token::RParen, _)) => break,
                                _ => {
                                    self.pos = self.pos.saturating_sub(1);
                                    return Err(format!(
                                        "expected `,` or `)` in call to {name}; {}",
                                        self.unexpected()
                                    ));
                                }
                            }
                        }
                    }
                    return Ok(Expr::Call { name, args });
                }
                Ok(match name.as_str() {
                    "null" => Expr::Null,
                    "true" => Expr::Bool(true),
                    "false" => Expr::Bool(false),
                    "NaN" => Expr::Number(f64::NAN),
                    "Infinity" => Expr::Number(f64::INFINITY),
                    _ => Expr::Context(name),
                })
            }
            _ => {
                self.pos = self.pos.saturating_sub(1);
                Err(self.unexpected())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contexts_of(text: &str) -> Vec<String> {
        let found = find_expressions(text);
        assert_eq!(found.len(), 1, "{text}");
        found[0].parse(text).unwrap().contexts()
    }

    #[test]
    fn finds_expressions_with_exact_spans() {
        let text = "echo \"${{ github.event.issue.title }}\" && echo ${{format('}}{0}', github.head_ref)}}";
        let found = find_expressions(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            text.get(found[0].span.range()),
            Some("${{ github.event.issue.title }}")
        );
        assert_eq!(
            text.get(found[0].inner.range()),
            Some(" github.event.issue.title ")
        );
        assert_eq!(found[0].inner_text(text), "github.event.issue.title");
        assert_eq!(
            text.get(found[1].span.range()),
            Some("${{format('}}{0}', github.head_ref)}}")
        );
        assert_eq!(
            found[1].inner_text(text),
            "format('}}{0}', github.head_ref)"
        );
        // escaped quote inside a string, multibyte text before
        let text = "é ${{ 'it''s }}' }} ${{ unterminated";
        let found = find_expressions(text);
        assert_eq!(found.len(), 1);
        assert_eq!(text.get(found[0].span.range()), Some("${{ 'it''s }}' }}"));
        assert_eq!(found[0].span.start, 3);
        assert_eq!(
            found[0].parse(text),
            Ok(Expr::String("it's }}".to_string()))
        );
        assert!(find_expressions("no expressions here, ${ not } {{ this }}").is_empty());
    }

    #[test]
    fn contexts_of_the_brief_examples() {
        assert_eq!(
            contexts_of("${{ github.event.pull_request.title || 'x' }}"),
            ["github.event.pull_request.title"]
        );
        assert_eq!(contexts_of("${{ toJSON(github.event) }}"), ["github.event"]);
        assert_eq!(
            contexts_of("${{ format('{0}', github.head_ref) }}"),
            ["github.head_ref"]
        );
        assert_eq!(
            contexts_of("${{ contains(github.event.issue.labels.*.name, 'bug') }}"),
            ["github.event.issue.labels.*.name"]
        );
    }

    #[test]
    fn contexts_are_normalised() {
        let expr = parse(
            "GitHub.Event['pull_request'].HEAD.ref == steps.my-step.outputs[matrix.key] \
             && github.event.commits[0].message != fromJSON(env.X).y",
        )
        .unwrap();
        assert_eq!(
            expr.contexts(),
            [
                "github.event.pull_request.head.ref",
                "steps.my-step.outputs.*",
                "matrix.key",
                "github.event.commits.0.message",
                "env.x",
            ]
        );
        assert!(path_matches(
            "github.event.commits.0.message",
            "github.event.commits.*.message"
        ));
        assert!(path_matches(
            "GitHub.Event.Issue.Title",
            "github.event.issue.title"
        ));
        assert!(!path_matches(
            "github.event.issue",
            "github.event.issue.title"
        ));
        assert!(!path_matches(
            "github.event.issue.title.x",
            "github.event.issue.title"
        ));
    }

    #[test]
    fn literals_and_operators() {
        assert_eq!(parse("null"), Ok(Expr::Null));
        assert_eq!(parse("true"), Ok(Expr::Bool(true)));
        assert_eq!(parse(" false "), Ok(Expr::Bool(false)));
        assert_eq!(parse("0xff"), Ok(Expr::Number(255.0)));
        assert_eq!(parse("-2.99e-2"), Ok(Expr::Number(-0.0299)));
        assert_eq!(parse("1e3"), Ok(Expr::Number(1000.0)));
        assert_eq!(parse("'a''b'"), Ok(Expr::String("a'b".to_string())));
        let expr = parse("!(a == 1) && b < 2 || c >= 3 && d != 'x'").unwrap();
        let Expr::Binary { rest, .. } = &expr else {
            panic!("{expr:?}");
        };
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].0, BinOp::Or);
        assert_eq!(expr.contexts(), ["a", "b", "c", "d"]);
        let call = parse("startsWith(github.ref, 'refs/tags/')").unwrap();
        assert!(
            matches!(&call, Expr::Call { name, args } if name == "startsWith" && args.len() == 2)
        );
        assert_eq!(
            parse("always()"),
            Ok(Expr::Call {
                name: "always".to_string(),
                args: vec![]
            })
        );
        assert_eq!(
            parse("a.*"),
            Ok(Expr::Access {
                base: Box::new(Expr::Context("a".to_string())),
                path: vec![Accessor::Star]
            })
        );
    }

    #[test]
    fn errors_are_reported() {
        for bad in [
            "", "a ==", "(a", "f(a,", "a.", "'open", "a = b", "a[1", "1.2.3", "#", "a b",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}a{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse(&deep).unwrap_err().contains("deeper"));
        let nots = format!("{}a", "!".repeat(100_000));
        assert!(parse(&nots).is_err());
        // Long flat chains are fine and do not nest the tree.
        let chain = vec!["a.b"; 50_000].join(" || ");
        let expr = parse(&chain).unwrap();
        assert_eq!(expr.contexts(), ["a.b"]);
        let long_path = format!("a{}", ".b".repeat(50_000));
        assert!(parse(&long_path).is_ok());
    }
}
