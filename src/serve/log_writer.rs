//! The server's verdict log writer. Screenings hand their verdicts to one
//! thread, which appends whatever has queued up meanwhile with one write
//! and one flush to disk (group commit), then answers each: under load a
//! screening waits for one flush, not for every flush queued before it.

use std::path::PathBuf;
use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::audit::append::{append_records, Appended, Made};
use crate::dispositions::DispositionsFile;
use crate::evidence::EvidenceFile;
use crate::lists::identity::ListIdentity;
use crate::rules::PolicyFile;
use crate::verdict::Verdict;

/// Records appended together at most.
const MAX_BATCH: usize = 64;

/// One verdict to log, with what it was made from.
pub struct Pending {
    pub verdict: Verdict,
    pub evidence: Vec<EvidenceFile>,
    pub dispositions: Option<DispositionsFile>,
    pub user: String,
    /// The lists it was screened against.
    pub lists: Vec<ListIdentity>,
}

type Answer = Result<Appended, String>;

pub struct LogWriter {
    queue: mpsc::Sender<(Pending, oneshot::Sender<Answer>)>,
}

impl LogWriter {
    /// Start the writer of the log at `log`, for screenings made with
    /// `policy_files`. It stops when the writer is dropped, after the
    /// verdicts already handed to it.
    pub fn start(
        log: PathBuf,
        key: Option<PathBuf>,
        policy_files: Vec<PolicyFile>,
    ) -> std::io::Result<LogWriter> {
        let (queue, queued) = mpsc::channel::<(Pending, oneshot::Sender<Answer>)>();
        std::thread::Builder::new()
            .name("verdict-log".to_owned())
            .spawn(move || {
                while let Ok(first) = queued.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match queued.try_recv() {
                            Ok(more) => batch.push(more),
                            Err(_) => break,
                        }
                    }
                    let records = batch
                        .iter()
                        .map(|(p, _)| {
                            let made = Made {
                                evidence: &p.evidence,
                                policy_files: policy_files.clone(),
                                lists: &p.lists,
                                dispositions: p.dispositions.as_ref(),
                                screened_by: Some(&p.user),
                            };
                            (&p.verdict, made)
                        })
                        .collect();
                    let appended = append_records(&log, key.as_deref(), records);
                    match appended {
                        Ok(appended) => {
                            for ((_, done), a) in batch.into_iter().zip(appended) {
                                let _ = done.send(Ok(a));
                            }
                        }
                        Err(e) => {
                            for (_, done) in batch {
                                let _ = done.send(Err(e.to_string()));
                            }
                        }
                    }
                }
            })?;
        Ok(LogWriter { queue })
    }

    /// Log one verdict; done once it is on disk, or with why it is not.
    /// Waiting holds no thread.
    pub async fn append(&self, pending: Pending) -> Answer {
        let (done, answer) = oneshot::channel();
        self.queue
            .send((pending, done))
            .map_err(|_| "the log writer has stopped".to_owned())?;
        answer
            .await
            .map_err(|_| "the log writer has stopped".to_owned())?
    }
}
