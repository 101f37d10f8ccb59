//! Values a CI job or a command hands to a service it starts itself: the
//! throwaway container's or local server's own setting, made for the run.

use crate::secrets::line_range;
use crate::source::Span;

/// The words of the image references a file starts (`image: minio/minio`,
/// `docker run … postgres:16`), read once per file for [`sets_up_a_started_image`].
pub(crate) fn started_image_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let lower = line.to_ascii_lowercase();
            if let Some((_, after)) = lower.split_once("image") {
                Some(
                    after
                        .trim_start_matches(['"', '\'', ':', ' ', '\t', '='])
                        .to_string(),
                )
            } else {
                lower
                    .split_once("docker run")
                    .map(|(_, after)| after.to_string())
            }
        })
        .flat_map(|reference| {
            reference
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Whether the value at `span` is passed to a container the same command starts
/// (`docker run -d -e SECRET_KEY=… app:ci`, on one line or continued with `\`): in a
/// CI pipeline, the throwaway container's own setting.
pub(crate) fn passed_to_docker_run(text: &str, span: Span) -> bool {
    let start = (span.start as usize).min(text.len());
    let line = line_range(text, start);
    let own = text.get(line.start..start).unwrap_or("");
    let flag = own
        .rsplit_once(" -e ")
        .or_else(|| own.rsplit_once(" --env "))
        .map(|(_, after)| after)
        .or_else(|| own.trim_start().strip_prefix("-e "))
        .or_else(|| own.trim_start().strip_prefix("--env "));
    // The flag's argument is `NAME=` then the value, with nothing else between.
    if !flag.is_some_and(|arg| {
        arg.trim_end_matches(['"', '\''])
            .strip_suffix('=')
            .is_some_and(|name| name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    }) {
        return false;
    }
    on_command_line(
        text,
        start,
        &["docker run", "docker container run", "podman run"],
    )
}

/// Whether one of `commands` is on the line before `start` or on the lines above
/// it that continue into it: the command a value is an argument of.
fn on_command_line(text: &str, start: usize, commands: &[&str]) -> bool {
    let line = line_range(text, start);
    let own = text.get(line.start..start).unwrap_or("");
    let runs = |l: &str| commands.iter().any(|c| l.contains(c));
    runs(own) || continued_above(text, line.start).any(runs)
}

/// Whether the value at `span` in a shell script expands a variable
/// (`"--secret=id=$secretName,src=$secretDir/$secretName"`): built when the
/// script runs. Inside single quotes `$` is literal, so such a value is judged.
pub(crate) fn expands_a_shell_variable(text: &str, span: Span) -> bool {
    let start = span.start as usize;
    if start > 0 && text.as_bytes().get(start - 1) == Some(&b'\'') {
        return false;
    }
    let value = text.get(span.range()).unwrap_or("");
    value.match_indices('$').any(|(at, _)| {
        value[at + 1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '{')
    })
}

/// Whether the value at `span` is typed into a command run inside a container
/// of the local Compose stack or Docker host (`docker compose exec -T clickhouse
/// clickhouse-client --password=flexprice123`, on one line or continued): that
/// container's own login, a development default. A generated one still fires
/// (the caller asks for a typed value).
pub(crate) fn typed_into_a_local_container(text: &str, span: Span) -> bool {
    on_command_line(
        text,
        (span.start as usize).min(text.len()),
        &["docker compose exec", "docker-compose exec", "docker exec"],
    )
}

/// The up to 30 lines right above `line_start` that end in `\` (nearest first):
/// the start of the shell command the line continues.
fn continued_above(text: &str, line_start: usize) -> impl Iterator<Item = &str> {
    text.get(..line_start)
        .unwrap_or("")
        .lines()
        .rev()
        .take(30)
        // A `\` ends a continued line in a POSIX shell, a space and a backtick in
        // PowerShell (`-e POSTGRES_PASSWORD=nezuko123 ` then the next flag).
        .take_while(|l| {
            let line = l.trim_end();
            line.ends_with('\\') || line.ends_with(" `")
        })
}

/// Whether `name` (`MINIO_SECRET_KEY`, `POSTGRES_PASSWORD`) sets up a server whose
/// image the same file starts (`image_words` from [`started_image_words`]): in a CI
/// pipeline that is a throwaway service container's own credential, made for the
/// job. The name's first word must be in the image's reference.
pub(crate) fn sets_up_a_started_image(image_words: &[String], name: &str) -> bool {
    let normalized = crate::secrets::names::normalize_name(name);
    let Some(product) = normalized.split('_').find(|w| !w.is_empty()) else {
        return false;
    };
    // `db`, `pg`, `sa`: too short to tell an image from any other word.
    product.len() >= 4
        && image_words
            .binary_search_by(|w| w.as_str().cmp(product))
            .is_ok()
}

/// Whether the value at `span` goes with a request to the machine itself (`curl
/// http://127.0.0.1:9180/apisix/admin/routes/1 -H 'X-API-KEY: …'`, on one line or
/// continued with `\`): in a CI pipeline, the admin key of the server the job just
/// started, its documented default or one made for the run.
pub(crate) fn sent_to_a_local_service(text: &str, span: Span) -> bool {
    let start = (span.start as usize).min(text.len());
    let own = line_range(text, start);
    let mut command: Vec<&str> = continued_above(text, own.start).collect();
    command.reverse();
    let mut line = text.get(own.clone()).unwrap_or("");
    command.push(line);
    let mut end = own.end;
    for _ in 0..30 {
        if !line.trim_end().ends_with('\\') {
            break;
        }
        let next = line_range(text, (end + 1).min(text.len()));
        if next.start <= end {
            break;
        }
        line = text.get(next.clone()).unwrap_or("");
        command.push(line);
        end = next.end;
    }
    let command = command.join("\n");
    let requests = command
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .any(|word| matches!(word, "curl" | "wget" | "http" | "https" | "xh"));
    const LOCAL: &[&str] = &["://127.0.0.1", "://localhost", "://0.0.0.0", "://[::1]"];
    requests && LOCAL.iter().any(|host| command.contains(host))
}
