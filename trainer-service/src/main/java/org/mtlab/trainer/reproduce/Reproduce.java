package org.mtlab.trainer.reproduce;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.mtlab.core.analysis.RunGradientStatistics;
import org.mtlab.core.analysis.RunHistory;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.Json;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.RunPlan;
import org.mtlab.core.contract.StudyDecision;
import org.mtlab.core.contract.StudyExpansion;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.StudySpecValidator;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.contract.Violation;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.report.HtmlReport;
import org.mtlab.core.report.MarkdownReport;
import org.mtlab.core.report.ReportFigures;
import org.mtlab.core.report.StudyReport;
import org.mtlab.core.report.StudyReportBuilder;
import org.mtlab.trainer.engine.MultiTaskTrainer;
import org.mtlab.trainer.engine.TrainingListener;
import org.mtlab.trainer.engine.TrainingOutcome;

/**
 * {@code ./mtlab reproduce [--quick]}: runs the shipped study specs ({@code studies/*.json}, or {@code studies/quick/}
 * with {@code --quick}) one run after the other in this process, through the same code the services use — the
 * validator, {@link StudyExpansion}, the trainer engine, the analysis's {@link RunGradientStatistics} and
 * {@link StudyReportBuilder} — without Kafka and PostgreSQL between them. Per spec it writes, under the output folder
 * ({@code --out=DIR}, default {@code .mtlab/reproduce}), {@code runs.json} (every finished run's evaluation history and
 * gradient statistics, rewritten after each run, so an interrupted reproduction resumes where it stopped),
 * {@code report.json}, {@code report.md}, {@code report.html} and {@code figures/*.png}.
 *
 * <p>Progress: one line per run with its time, and an estimate of the time left from the seconds per training step
 * measured so far (the first run's estimate is from the study's step count only). {@code --report-only} rebuilds the
 * reports from {@code runs.json} without training.
 */
public final class Reproduce {
    /** A finished run as {@code runs.json} keeps it. */
    public record RunRecord(String label, RunHistory history, RunGradientStatistics.Snapshot gradients, long steps,
                            double wallSeconds) {
    }

    /** A spec's result: its report and the runs it came from. */
    public record SpecResult(String name, StudyReport report, List<RunRecord> runs, Path folder) {
    }

    private final Path out;
    private final PrintStream log;
    private final MultiTaskTrainer trainer = new MultiTaskTrainer();
    private double secondsPerStep = Double.NaN;

    public Reproduce(Path out, PrintStream log) {
        this.out = out;
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("mtlab.repo", ".")).toAbsolutePath().normalize();
        boolean quick = List.of(args).contains("--quick");
        boolean reportOnly = List.of(args).contains("--report-only");
        Path out = repo.resolve(".mtlab/reproduce" + (quick ? "-quick" : ""));
        List<Path> specs = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring(6)).toAbsolutePath();
            } else if (!arg.startsWith("--")) {
                specs.add(Path.of(arg));
            } else if (!arg.equals("--quick") && !arg.equals("--report-only")) {
                System.err.println("reproduce: unknown option '" + arg + "' (usage: reproduce [--quick] [--out=DIR] "
                        + "[--report-only] [SPEC.json ...])");
                System.exit(2);
            }
        }
        if (specs.isEmpty()) {
            specs = shippedSpecs(repo.resolve(quick ? "studies/quick" : "studies"));
        }
        Reproduce reproduce = new Reproduce(out, System.out);
        List<SpecResult> results = reportOnly ? reproduce.reportOnly(specs) : reproduce.run(specs);
        for (SpecResult r : results) {
            System.out.println("report: " + r.folder().resolve("report.md"));
        }
        System.exit(0);
    }

    /** The {@code *.json} files of a folder, in name order. */
    public static List<Path> shippedSpecs(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    public static StudySpec read(Path spec) throws IOException {
        return Json.read(Files.readString(spec), StudySpec.class);
    }

    /** Validates every spec first (nothing trains if one is refused), then trains them in order. */
    public List<SpecResult> run(List<Path> specFiles) throws IOException {
        StudySpecValidator validator = new StudySpecValidator(Set.copyOf(MethodRegistry.names()));
        List<StudySpec> specs = new ArrayList<>();
        long totalSteps = 0;
        int totalRuns = 0;
        for (Path file : specFiles) {
            StudySpec spec = read(file);
            List<Violation> violations = validator.validate(spec);
            if (!violations.isEmpty()) {
                throw new IllegalArgumentException(file + " is not a valid study: " + violations);
            }
            specs.add(spec);
            totalRuns += StudyExpansion.runCount(spec);
            totalSteps += steps(spec) * StudyExpansion.runCount(spec);
        }
        log.printf(Locale.ROOT, "reproduce: %d studies, %d runs, %,d training steps; results in %s%n", specs.size(),
                totalRuns, totalSteps, out);
        Progress progress = new Progress(totalRuns, totalSteps);
        List<SpecResult> results = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            results.add(runSpec(specs.get(i), specFiles.get(i), progress));
        }
        log.printf(Locale.ROOT, "reproduce: done in %.1f min%n", progress.elapsedSeconds() / 60);
        return results;
    }

    public List<SpecResult> reportOnly(List<Path> specFiles) throws IOException {
        List<SpecResult> results = new ArrayList<>();
        for (Path file : specFiles) {
            StudySpec spec = read(file);
            Path folder = folderOf(file);
            results.add(writeReport(spec, folder, loadRuns(folder)));
        }
        return results;
    }

    private final class Progress {
        final int runs;
        final long steps;
        final long started = System.nanoTime();
        int runsDone;
        long stepsDone;
        long stepsTrained;
        double secondsTrained;

        Progress(int runs, long steps) {
            this.runs = runs;
            this.steps = steps;
        }

        double elapsedSeconds() {
            return (System.nanoTime() - started) / 1e9;
        }

        /** Steps of the spec being trained that are not yet done, and that spec's measured steps and seconds. */
        long specStepsLeft;
        long specStepsTrained;
        double specSecondsTrained;

        String estimate() {
            if (stepsTrained == 0) {
                return "estimate after the first run";
            }
            // this spec's steps at its own measured pace, the later specs' at the pace measured so far
            double specPace = specStepsTrained == 0 ? secondsTrained / stepsTrained : specSecondsTrained / specStepsTrained;
            double left = specStepsLeft * specPace + (steps - stepsDone - specStepsLeft) * secondsTrained / stepsTrained;
            return String.format(Locale.ROOT, "about %.1f min left (%.1f ms per step on this machine)", left / 60,
                    1000 * secondsTrained / stepsTrained);
        }
    }

    /** Training steps of one run of the spec. */
    static long steps(StudySpec spec) {
        int train = trainSamples(spec);
        return (long) spec.epochs() * ((train + spec.batchSize() - 1) / spec.batchSize());
    }

    private static int trainSamples(StudySpec spec) {
        return (int) spec.dataset().number("trainSamples", spec.dataset().number("samples", 1000) * 0.8);
    }

    private Path folderOf(Path specFile) {
        String name = specFile.getFileName().toString().replaceFirst("\\.json$", "");
        return out.resolve(name);
    }

    private SpecResult runSpec(StudySpec spec, Path file, Progress progress) throws IOException {
        Path folder = Files.createDirectories(folderOf(file));
        List<RunRecord> done = new ArrayList<>(loadRuns(folder));
        Set<String> doneLabels = new HashSet<>();
        done.forEach(r -> doneLabels.add(r.label()));
        UUID studyId = UUID.nameUUIDFromBytes(spec.name().getBytes(StandardCharsets.UTF_8));
        List<RunPlan> plans = StudyExpansion.expand(spec);
        log.printf(Locale.ROOT, "study '%s': %d runs (%d already done in %s)%n", spec.name(), plans.size(),
                plans.stream().filter(p -> doneLabels.contains(p.label())).count(), folder);
        progress.specStepsLeft = steps(spec) * plans.stream().filter(p -> !doneLabels.contains(p.label())).count();
        progress.specStepsTrained = 0;
        progress.specSecondsTrained = 0;
        for (RunPlan plan : plans) {
            long planSteps = steps(spec);
            if (doneLabels.contains(plan.label())) {
                progress.runsDone++;
                progress.stepsDone += planSteps;
                continue;
            }
            UUID runId = UUID.nameUUIDFromBytes((studyId + "/" + plan.label()).getBytes(StandardCharsets.UTF_8));
            TrainingRequest request = TrainingRequest.of(runId, studyId, plan, spec);
            RunRecord record = train(request, plan.label(), spec);
            done.add(record);
            Files.writeString(folder.resolve("runs.json"), new String(Json.write(done), StandardCharsets.UTF_8));
            progress.runsDone++;
            progress.stepsDone += planSteps;
            progress.stepsTrained += record.steps();
            progress.secondsTrained += record.wallSeconds();
            progress.specStepsLeft -= planSteps;
            progress.specStepsTrained += record.steps();
            progress.specSecondsTrained += record.wallSeconds();
            log.printf(Locale.ROOT, "  [%d/%d] %-44s %6.1f s   %s%n", progress.runsDone, progress.runs, plan.label(),
                    record.wallSeconds(), progress.estimate());
        }
        return writeReport(spec, folder, done);
    }

    /** Trains one run and keeps what the analysis service would have kept of it. */
    public RunRecord train(TrainingRequest request, String label, StudySpec spec) {
        RunGradientStatistics[] statistics = new RunGradientStatistics[1];
        List<RunHistory.EpochMetrics> epochs = new ArrayList<>();
        RunEvent.RunDescriptor[] descriptor = new RunEvent.RunDescriptor[1];
        long started = System.currentTimeMillis();
        TrainingOutcome outcome = trainer.train(request, new TrainingListener() {
            @Override
            public void started(long totalSteps, RunEvent.RunDescriptor run) {
                descriptor[0] = run;
            }

            @Override
            public void gradients(GradientEvent event) {
                if (statistics[0] == null) {
                    statistics[0] = new RunGradientStatistics(event.taskCount());
                }
                statistics[0].add(event);
            }

            @Override
            public void evaluated(long step, int epoch, List<RunEvent.Metric> metrics) {
                epochs.add(new RunHistory.EpochMetrics(epoch, List.copyOf(metrics)));
            }
        }, () -> false);
        long finished = System.currentTimeMillis();
        RunEvent.RunDescriptor run = descriptor[0];
        RunHistory history = new RunHistory(request.runId(), run.kind(), run.tasks(), run.optimizer(),
                run.learningRate(), run.method(), run.seed(), epochs, outcome.finalMetrics(), started, finished,
                run.device(), outcome.cost());
        return new RunRecord(label, history, statistics[0] == null ? null : statistics[0].snapshot(run.tasks()),
                outcome.steps(), outcome.wallTimeMs() / 1000.0);
    }

    static List<RunRecord> loadRuns(Path folder) throws IOException {
        Path runs = folder.resolve("runs.json");
        if (!Files.exists(runs)) {
            return List.of();
        }
        return List.of(Json.read(Files.readString(runs), RunRecord[].class));
    }

    /** The report of a spec's runs, as JSON, Markdown (figures beside it) and HTML (figures inlined). */
    SpecResult writeReport(StudySpec spec, Path folder, List<RunRecord> runs) throws IOException {
        StudyReport report = report(spec, runs);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("report.json"), new String(Json.write(report), StandardCharsets.UTF_8));
        Map<String, byte[]> figures = ReportFigures.render(report);
        Path figureFolder = Files.createDirectories(folder.resolve("figures"));
        for (Map.Entry<String, byte[]> f : figures.entrySet()) {
            Files.write(figureFolder.resolve(f.getKey()), f.getValue());
        }
        Map<String, String> links = new LinkedHashMap<>();
        figures.keySet().forEach(name -> links.put(name, "figures/" + name));
        Files.writeString(folder.resolve("report.md"), "# " + spec.name() + "\n\n" + MarkdownReport.render(report, links));
        Files.writeString(folder.resolve("report.html"), HtmlReport.render(report, figures));
        return new SpecResult(spec.name(), report, runs, folder);
    }

    public static StudyReport report(StudySpec spec, List<RunRecord> runs) {
        List<RunHistory> histories = runs.stream().map(RunRecord::history).toList();
        List<StudyReportBuilder.RunGradients> gradients = runs.stream().filter(r -> r.gradients() != null)
                .map(r -> new StudyReportBuilder.RunGradients(r.history().runId().toString(), r.history().kind(),
                        r.history().optimizer(), r.history().method(), r.history().seed(), r.gradients()))
                .toList();
        String studyId = UUID.nameUUIDFromBytes(spec.name().getBytes(StandardCharsets.UTF_8)).toString();
        return StudyReportBuilder.build(studyId, StudyExpansion.tasksOf(spec), runs.size(), histories, gradients,
                StudyDecision.of(spec));
    }
}
