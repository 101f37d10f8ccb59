use crate::declare_rule;
use crate::model::terraform::{Block, TerraformFile, Value};
use crate::rule::{Cx, Rule, Scope};
use crate::source::{FileKind, Span};

declare_rule! {
    /// ## What it checks
    /// A load balancer listener that serves plain HTTP instead of redirecting to HTTPS:
    ///
    /// - `aws_lb_listener` / `aws_alb_listener` with `protocol = "HTTP"`, or on port 80
    ///   with no `protocol` and no certificate (HTTP is the Application Load Balancer's
    ///   default),
    ///   whose `default_action` is not a `redirect` with `protocol = "HTTPS"`;
    /// - a classic `aws_elb` `listener` with `lb_protocol = "http"` (classic load
    ///   balancers cannot redirect).
    ///
    /// Listeners of a load balancer declared in the same file with `internal = true`
    /// (and classic ELBs with `internal = true`) serve the private network, not the
    /// internet, and are not flagged. A `dynamic "default_action"`, or a protocol or
    /// redirect target from variables, cannot be known and never fires. Listeners
    /// configured through module inputs are not checked. TCP listeners of Network Load
    /// Balancers are not HTTP and not checked.
    ///
    /// ## Why it matters
    /// As the product grows ("design for 10x"), sessions, tokens and personal data cross
    /// the internet between users and the load balancer. On plain HTTP anyone on the path
    /// (public Wi-Fi, a proxy) reads and changes them. Terminating TLS at the load
    /// balancer and redirecting port 80 costs nothing with a free ACM certificate.
    ///
    /// ## Bad
    /// ```hcl
    /// resource "aws_lb_listener" "http" {
    ///   load_balancer_arn = aws_lb.app.arn
    ///   port              = 80
    ///   protocol          = "HTTP"
    ///
    ///   default_action {
    ///     type             = "forward"
    ///     target_group_arn = aws_lb_target_group.app.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## Good
    /// ```hcl
    /// resource "aws_lb_listener" "http" {
    ///   load_balancer_arn = aws_lb.app.arn
    ///   port              = 80
    ///   protocol          = "HTTP"
    ///
    ///   default_action {
    ///     type = "redirect"
    ///     redirect {
    ///       port        = "443"
    ///       protocol    = "HTTPS"
    ///       status_code = "HTTP_301"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Serve the application on an HTTPS listener (`protocol = "HTTPS"`,
    /// `certificate_arn`, a current `ssl_policy`) and make the HTTP listener's default
    /// action a 301 redirect to HTTPS.
    PlaintextListener {
        id: "SEC021",
        name: "plaintext-listener",
        pillar: Sec,
        stage: Growth,
        scope: Scope::File(&[FileKind::Terraform]),
        severity: Warning,
        since: "0.1.0",
        summary: "load balancer listener on plain HTTP",
    }
}

/// Whether the listener's default actions redirect to HTTPS: `Some(true)`, `Some(false)`,
/// or `None` when that cannot be known.
fn redirects_to_https(listener: &Block) -> Option<bool> {
    let mut unknown = false;
    for action in listener.blocks_named("default_action") {
        if action.kind != "default_action" {
            unknown = true; // dynamic content
            continue;
        }
        let ty = match action.value("type") {
            Some(v) => v.as_str(),
            None => Some("forward"),
        };
        match ty {
            Some(t) if t.eq_ignore_ascii_case("redirect") => {}
            Some(_) => continue,
            None => {
                unknown = true;
                continue;
            }
        }
        for redirect in action.blocks_named("redirect") {
            match redirect.value("protocol").map(Value::as_str) {
                Some(Some(p)) if p.eq_ignore_ascii_case("HTTPS") => return Some(true),
                Some(Some(_)) => {}
                // NOTE: absent means "#{protocol}": keep the incoming HTTP.
                None => {}
                Some(None) => unknown = true,
            }
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// Whether the listener's load balancer is declared in this file with `internal = true`.
fn on_internal_lb(listener: &Block, tf: &TerraformFile) -> bool {
    let Some(reference) = listener
        .value("load_balancer_arn")
        .and_then(Value::as_reference)
    else {
        return false;
    };
    let mut parts = reference.split('.');
    let (Some(ty), Some(name)) = (parts.next(), parts.next()) else {
        return false;
    };
    tf.resources_of_type(ty)
        .filter(|lb| lb.name() == Some(name))
        .any(|lb| lb.value("internal").and_then(Value::as_bool) == Some(true))
}

fn alb_listener(listener: &Block, tf: &TerraformFile, cx: &mut Cx) {
    if on_internal_lb(listener, tf) {
        return;
    }
    let span: Span = match listener.attr("protocol") {
        Some(attr) => match attr.value.as_str() {
            Some(p) if p.eq_ignore_ascii_case("HTTP") => attr.span,
            _ => return,
        },
        None => {
            // NOTE: only port 80: a Gateway Load Balancer's listener has no protocol (nor port).
            let port_80 = listener.value("port").and_then(Value::as_f64) == Some(80.0);
            if !port_80
                || listener.attr("certificate_arn").is_some()
                || listener.attr("ssl_policy").is_some()
            {
                return;
            }
            listener.header_span
        }
    };
    if redirects_to_https(listener) != Some(false) {
        return;
    }
    let implicit = listener.attr("protocol").is_none();
    cx.report(
        cx.finding(span)
            .message(format!(
                "`{}` serves plain HTTP{} and does not redirect to HTTPS",
                listener.address(),
                if implicit { " (no protocol: HTTP by default)" } else { "" }
            ))
            .help("make the default action a redirect to HTTPS and serve the app on an HTTPS listener"),
    );
}

fn classic_elb(elb: &Block, cx: &mut Cx) {
    if elb.value("internal").and_then(Value::as_bool) == Some(true) {
        return;
    }
    for listener in elb.blocks_named("listener") {
        let Some(attr) = listener.attr("lb_protocol") else {
            continue;
        };
        if attr
            .value
            .as_str()
            .is_some_and(|p| p.eq_ignore_ascii_case("http"))
        {
            cx.report(
                cx.finding(attr.span)
                    .message(format!(
                        "classic load balancer `{}` listens on plain HTTP",
                        elb.address()
                    ))
                    .help("use an HTTPS listener (classic ELBs cannot redirect; an ALB can)"),
            );
        }
    }
}

impl Rule for PlaintextListener {
    fn check_terraform(&self, tf: &TerraformFile, cx: &mut Cx) {
        for res in tf.resources() {
            match res.resource_type().unwrap_or("") {
                "aws_lb_listener" | "aws_alb_listener" => alb_listener(res, tf, cx),
                "aws_elb" => classic_elb(res, cx),
                _ => {}
            }
        }
    }
}
