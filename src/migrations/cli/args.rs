//! argv parsing: a command, then flags as `--name=value`, `--name value` or `--name`.
//! Every flag is checked against the command it is given to; anything unknown is a usage
//! error (exit 2) that names it.

use crate::config::Raw;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Optimize,
    Health,
    Seed,
    Benchmark,
    Quickstart,
}

impl Command {
    const ALL: [(&'static str, Command); 5] = [
        ("optimize", Command::Optimize),
        ("health", Command::Health),
        ("seed", Command::Seed),
        ("benchmark", Command::Benchmark),
        ("quickstart", Command::Quickstart),
    ];

    fn parse(word: &str) -> Option<Command> {
        Self::ALL.iter().find(|(n, _)| *n == word).map(|(_, c)| *c)
    }

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| n)
    }
}

struct Flag {
    name: &'static str,
    takes_value: bool,
    /// Commands that accept it; empty: all of them.
    commands: &'static [Command],
}

const FLAGS: &[Flag] = &[
    Flag { name: "url", takes_value: true, commands: &[] },
    Flag { name: "auth-token", takes_value: true, commands: &[] },
    Flag { name: "replica-path", takes_value: true, commands: &[] },
    Flag { name: "json", takes_value: false, commands: &[] },
    Flag { name: "help", takes_value: false, commands: &[] },
    Flag { name: "dry-run", takes_value: false, commands: &[Command::Optimize] },
    Flag { name: "rollback", takes_value: false, commands: &[Command::Optimize] },
    Flag { name: "maintenance", takes_value: false, commands: &[Command::Optimize] },
    Flag { name: "step", takes_value: true, commands: &[Command::Optimize] },
    Flag { name: "scale", takes_value: true, commands: &[Command::Seed, Command::Quickstart] },
    Flag { name: "config", takes_value: true, commands: &[Command::Benchmark] },
];

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Args {
    pub command: Option<Command>,
    /// `help <command>` or `--help`.
    pub help: bool,
    pub json: bool,
    pub url: Option<String>,
    pub auth_token: Option<String>,
    pub replica_path: Option<String>,
    pub dry_run: bool,
    pub rollback: bool,
    pub maintenance: bool,
    pub steps: Vec<String>,
    pub scale: Option<String>,
    pub config: Option<String>,
}

impl Args {
    /// The connection settings given as flags, as `config::resolve` takes overrides.
    pub fn settings(&self) -> Vec<(String, Raw)> {
        [("url", &self.url), ("authToken", &self.auth_token), ("replicaPath", &self.replica_path)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), Raw::Str(v.clone()))))
            .collect()
    }
}

/// A usage error: the message, and the command whose help should follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub message: String,
    pub command: Option<Command>,
}

pub fn parse(argv: &[String]) -> Result<Args, Usage> {
    let mut args = Args::default();
    let mut flags: Vec<(String, Option<String>)> = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        let Some(body) = a.strip_prefix("--") else {
            positional.push(a.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        // `--name value`: only for flags that take one, and only if the next word is not a flag.
        let spec = FLAGS.iter().find(|f| f.name == name);
        let value = match (inline, spec) {
            (Some(v), _) => Some(v),
            (None, Some(f)) if f.takes_value && argv.get(i).is_some_and(|n| !n.starts_with("--")) => {
                i += 1;
                Some(argv[i - 1].clone())
            }
            (None, _) => None,
        };
        flags.push((name, value));
    }

    let mut words = positional.into_iter();
    match words.next() {
        None => {}
        Some(w) if w == "help" => {
            args.help = true;
            if let Some(c) = words.next() {
                args.command = Some(Command::parse(&c).ok_or_else(|| unknown_command(&c))?);
            }
        }
        Some(w) => args.command = Some(Command::parse(&w).ok_or_else(|| unknown_command(&w))?),
    }
    let command = args.command;
    if let Some(extra) = words.next() {
        return Err(Usage { message: format!("unexpected argument {extra:?}"), command });
    }
    // --help wins over everything but an unknown command.
    if flags.iter().any(|(n, _)| n == "help") {
        args.help = true;
        return Ok(args);
    }
    for (name, value) in flags {
        let Some(spec) = FLAGS.iter().find(|f| f.name == name) else {
            return Err(Usage { message: format!("unknown flag --{name}"), command });
        };
        if let Some(c) = command {
            if !spec.commands.is_empty() && !spec.commands.contains(&c) {
                return Err(Usage { message: format!("--{name} is not a flag of `{}`", c.name()), command });
            }
        }
        match (spec.takes_value, value) {
            (true, None) => return Err(Usage { message: format!("--{name} needs a value (--{name}=VALUE)"), command }),
            (false, Some(_)) => return Err(Usage { message: format!("--{name} takes no value"), command }),
            (true, Some(v)) if v.is_empty() => {
                return Err(Usage { message: format!("--{name} needs a non-empty value"), command })
            }
            (_, value) => set(&mut args, &name, value),
        }
    }
    if args.rollback && args.maintenance {
        return Err(Usage { message: "--rollback and --maintenance cannot be combined".into(), command });
    }
    if !args.steps.is_empty() && !args.rollback {
        return Err(Usage { message: "--step selects steps to roll back: use it with --rollback".into(), command });
    }
    Ok(args)
}

fn unknown_command(word: &str) -> Usage {
    Usage { message: format!("unknown command {word:?}"), command: None }
}

fn set(args: &mut Args, name: &str, value: Option<String>) {
    match name {
        "url" => args.url = value,
        "auth-token" => args.auth_token = value,
        "replica-path" => args.replica_path = value,
        "json" => args.json = true,
        "dry-run" => args.dry_run = true,
        "rollback" => args.rollback = true,
        "maintenance" => args.maintenance = true,
        "step" => args.steps.extend(value),
        "scale" => args.scale = value,
        "config" => args.config = value,
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Args, Usage> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_take_values_both_ways_and_repeat() {
        let a = p(&["optimize", "--url", "file:/tmp/x.db", "--rollback", "--step=005", "--step", "006", "--json"]).unwrap();
        assert_eq!(a.command, Some(Command::Optimize));
        assert_eq!(a.url.as_deref(), Some("file:/tmp/x.db"));
        assert_eq!(a.steps, vec!["005", "006"]);
        assert!(a.rollback && a.json);
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(p(&["frobnicate"]).unwrap_err().message, "unknown command \"frobnicate\"");
        assert_eq!(p(&["seed", "--scael=1"]).unwrap_err().message, "unknown flag --scael");
        assert!(p(&["health", "--scale=1"]).unwrap_err().message.contains("not a flag of `health`"));
        assert!(p(&["optimize", "--url"]).unwrap_err().message.contains("needs a value"));
        assert!(p(&["optimize", "--step=005"]).unwrap_err().message.contains("--rollback"));
        assert!(p(&["optimize", "--json=yes"]).unwrap_err().message.contains("takes no value"));
        assert!(p(&["optimize", "extra"]).unwrap_err().message.contains("unexpected"));
    }

    #[test]
    fn help_wins() {
        assert!(p(&["--help"]).unwrap().help);
        let a = p(&["optimize", "--help", "--bogus"]).unwrap();
        assert!(a.help && a.command == Some(Command::Optimize));
        let a = p(&["help", "seed"]).unwrap();
        assert!(a.help && a.command == Some(Command::Seed));
    }
}
