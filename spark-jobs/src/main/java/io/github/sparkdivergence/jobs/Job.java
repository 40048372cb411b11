package io.github.sparkdivergence.jobs;

import java.util.List;

/** One sub-command of {@link Main}. Jobs return an exit status; only {@code Main.main} exits. */
public interface Job {
  String name();

  /** One line for the list of jobs. */
  String summary();

  String synopsis();

  String description();

  List<JobArgs.Option> options();

  /** Runs with parsed arguments; throws {@link JobException} for problems the user can fix. */
  int run(JobContext ctx, JobArgs args);

  default String help() { return JobArgs.help(name(), synopsis(), description(), options()); }
}
