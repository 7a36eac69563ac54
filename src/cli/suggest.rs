//! `hashiya suggest`: the suggestions of a project as JSON (the string matcher's and
//! the learned model's, joined one per place), `--evaluate` (both scored against the
//! annotator's own spans) and `--curve` (the model's learning curve).

use std::io::Write;
use std::path::{Path, PathBuf};

use super::CliError;
use crate::{learn, store, suggest};

type Outcome = Result<(), CliError>;

fn write(out: &mut dyn Write, bytes: impl AsRef<[u8]>) -> Outcome {
    out.write_all(bytes.as_ref()).map_err(CliError::Output)
}

/// What `hashiya suggest` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestMode {
    /// The suggestions as JSON.
    List,
    /// The span and the relation suggestions (`--relations`):
    /// `{"spans": [...], "relations": [...]}`.
    WithRelations,
    /// How well they predict the annotator's spans (`--evaluate`).
    Evaluate,
    /// The learned model's learning curve, JSON lines (`--curve`).
    Curve,
}

impl SuggestMode {
    /// The mode the flags `--evaluate`, `--curve` and `--relations` (exclusive) ask for.
    pub fn of_flags(evaluate: bool, curve: bool, relations: bool) -> Self {
        match (evaluate, curve, relations) {
            (true, ..) => SuggestMode::Evaluate,
            (_, true, _) => SuggestMode::Curve,
            (.., true) => SuggestMode::WithRelations,
            _ => SuggestMode::List,
        }
    }
}

/// Runs `hashiya suggest` as the command line gave it.
pub fn run_command(command: super::CliCommand, out: &mut dyn Write) -> Outcome {
    let super::CliCommand::Suggest {
        project,
        annotator,
        document,
        gazetteer,
        json: _,
        evaluate,
        relations,
        curve,
    } = command
    else {
        unreachable!("called for `suggest` only")
    };
    let mode = SuggestMode::of_flags(evaluate, curve, relations);
    run(&project, annotator, document, gazetteer, mode, out)
}

/// Runs `hashiya suggest`.
pub fn run(
    project: &Path,
    annotator: Option<String>,
    document: Option<String>,
    gazetteer: Option<PathBuf>,
    mode: SuggestMode,
    out: &mut dyn Write,
) -> Outcome {
    let p = store::load(project).map_err(CliError::msg)?.project;
    if let Some(a) = &annotator {
        known_annotator(project, &p, a)?;
    }
    let min_model = suggest::SuggestOptions::default().min_model_score;
    let train = learn::TrainOptions::default();
    match mode {
        SuggestMode::Evaluate => {
            let report = suggest::evaluate(&p, annotator.as_deref());
            let mut text = report.to_string();
            for a in &report.annotators {
                text.push_str(&format!(
                    "\n{}, learned model against the string matcher:\n",
                    a.annotator
                ));
                match learn::evaluate::evaluate(&p, &a.annotator, &train, min_model) {
                    Some(e) => text.push_str(&e.to_string()),
                    None => text.push_str("  nothing to score (one document of one paragraph)\n"),
                }
            }
            return write(out, text);
        }
        SuggestMode::Curve => {
            let who = annotator
                .clone()
                .or_else(|| p.annotators().first().map(|a| a.to_string()))
                .ok_or_else(|| {
                    CliError::msg(format!("{}: no annotator has spans", project.display()))
                })?;
            let curve = learn::curve(&p, &who, &train, min_model).ok_or_else(|| {
                CliError::msg(format!(
                    "{}: {who} has too little material for a learning curve (fewer than two sentences)",
                    project.display()
                ))
            })?;
            let mut text = String::new();
            for row in &curve.rows {
                let line = serde_json::json!({
                    "annotator": who,
                    "unit": curve.unit,
                    "test_units": curve.test_units,
                    "block": row.block,
                    "train_units": row.train_units,
                    "train_spans": row.train_spans,
                    "learned": row.learned,
                    "model": row.model,
                    "matcher": row.matcher,
                });
                text.push_str(&line.to_string());
                text.push('\n');
            }
            return write(out, text);
        }
        SuggestMode::List | SuggestMode::WithRelations => {}
    }
    let annotator = annotator
        .or_else(|| p.annotators().first().map(|a| a.to_string()))
        .unwrap_or_else(|| "annotator".into());
    let mut options = suggest::SuggestOptions::default();
    let files = p
        .suggestions
        .gazetteer
        .iter()
        .map(|g| suggest::gazetteer::gazetteer_path(project, g))
        .chain(gazetteer);
    for f in files {
        options
            .gazetteer
            .extend(suggest::load_gazetteer(&f, &p.schema).map_err(CliError::msg)?);
    }
    let data = learn::TrainingData::from_project(&p, &annotator, true, &options.gazetteer);
    let model = learn::Model::train(&data, &train);
    let s = suggest::Suggester::new(&p, &annotator, options);
    let with_model = |doc: &crate::model::Document, matched: Vec<suggest::Suggestion>| {
        if !s.is_enabled() {
            return matched;
        }
        let set = p.set(&annotator, &doc.id);
        let m = model.suggest(doc, set, &annotator, &p.suggestions.rejected, min_model);
        suggest::merge_model(matched, m, min_model)
    };
    let (list, relations) = match &document {
        Some(id) => {
            let doc = p.document(id).ok_or_else(|| {
                CliError::msg(format!("{}: no document \"{id}\"", project.display()))
            })?;
            let (list, relations) = s.suggest_document_with_relations(
                doc,
                p.set(&annotator, id),
                &p.suggestions.rejected,
            );
            (with_model(doc, list), relations)
        }
        None => {
            let (mut all, relations) = s.suggest_all_with_relations(&p);
            let mut list = Vec::with_capacity(all.len());
            for doc in &p.documents {
                let n = all.iter().take_while(|x| x.document == doc.id).count();
                let rest = all.split_off(n);
                list.extend(with_model(doc, std::mem::replace(&mut all, rest)));
            }
            (list, relations)
        }
    };
    let json = if mode == SuggestMode::WithRelations {
        serde_json::to_string_pretty(&serde_json::json!({ "spans": list, "relations": relations }))
    } else {
        serde_json::to_string_pretty(&list)
    };
    let mut text =
        json.map_err(|e| CliError::msg(format!("could not serialise the suggestions: {e}")))?;
    text.push('\n');
    write(out, text)
}

/// Refuses an annotator the project does not know (no set, not in the plan), naming
/// the ones it does: a typo would otherwise give another person's suggestions.
fn known_annotator(path: &Path, p: &crate::model::Project, name: &str) -> Outcome {
    let mut known: Vec<&str> = p.annotators();
    for a in p.assignment.iter().flat_map(|a| &a.annotators) {
        if !known.contains(&a.as_str()) {
            known.push(a);
        }
    }
    if known.contains(&name) {
        return Ok(());
    }
    let which = if known.is_empty() {
        "it has no annotators yet (no sets, no assignment plan); leave out --annotator".to_string()
    } else {
        format!(
            "its annotators are: {}; give one of them",
            known
                .iter()
                .map(|a| format!("«{a}»"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(CliError::msg(format_args!(
        "{}: no annotator «{name}» in this project: {which}",
        path.display()
    )))
}
