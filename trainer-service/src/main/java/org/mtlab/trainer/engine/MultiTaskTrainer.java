package org.mtlab.trainer.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import org.mtlab.core.contract.ConflictBaseline;
import org.mtlab.core.contract.GradientEvent;
import org.mtlab.core.contract.RunEvent;
import org.mtlab.core.contract.StudySpec;
import org.mtlab.core.contract.TrainingRequest;
import org.mtlab.core.data.DatasetKinds;
import org.mtlab.core.data.Shuffle;
import org.mtlab.core.data.TaskData;
import org.mtlab.core.methods.MethodRegistry;
import org.mtlab.core.model.DataShape;
import org.mtlab.core.model.ModelKinds;
import org.mtlab.core.optim.AdaTask;
import org.mtlab.core.optim.Optimizer;
import org.mtlab.core.optim.Optimizers;
import org.mtlab.core.optim.StepDecay;

/**
 * Trains one run of a study: a hard-parameter-sharing model (an MLP trunk of {@code model.hidden} ReLU layers,
 * MultiLeNet or a small ResNet, shared by all tasks, one linear head per task of the run) or MMoE (shared experts,
 * a softmax gate and a head per task) — {@link MlpLayout} — on the study's dataset, with DJL's PyTorch engine. For
 * MMoE the experts are the shared parameters the methods combine; a task's gate is trained, like its head, by its own
 * loss alone.
 *
 * <p><b>On the device.</b> The parameters and the optimizer's state live on the trainer's device for the whole run
 * ({@link DeviceModel}, {@link DeviceOptimizer}); a step returns to Java only what Java decides with — the T losses
 * and, on telemetry or Gram-method steps, the per-block Gram matrices — and the method's weights are applied on the
 * device. What does cross is counted ({@link HostDeviceTraffic}, reported in {@link TrainingOutcome#stepTraffic()}).
 *
 * <p>The step is a {@link TrainingStep} chosen once per run:
 * <ul>
 *   <li><b>parameters</b> ({@link ParameterSpaceStep}): one forward pass, one backward per task giving each task's
 *       gradient on the shared parameters, the run's method combining them ({@link MethodAggregation}: any method of
 *       {@code MethodRegistry}, by name; {@code ew}: the sum). A loss-weighting method needs no per-task gradients, so
 *       on a step without a gradient event (and without AdaTask, which needs them) it takes the
 *       {@link PlainLossWeightedStep} instead: one backward pass of {@code Σ_t w_t L_t} — the same update, which is
 *       what makes sampled telemetry cheap;</li>
 *   <li><b>representation</b> ({@link RepresentationSpaceStep}): the trunk forward once, each task's gradient with
 *       respect to the detached shared representation (a backward through its head only), the method combining those,
 *       and one trunk backward of the combination; the conflict baseline, when due, takes the per-task parameter
 *       gradients of the batch once more.</li>
 * </ul>
 * The heads take their own task's gradient (weighted by the task weight for loss-weighting methods), one optimizer
 * step updates all parameters, then the method's own update (learnable parameters; FAMO: one extra forward pass for
 * the losses after the step). Every {@code telemetry.everySteps} steps a {@link GradientEvent} carries per-task losses,
 * the weights the method applied, the Gram matrix of the task gradients per trunk layer (float32 on the device), or of
 * the representation gradients in one block {@value #REPRESENTATION_BLOCK} (the same Grams a Gram-based method reads)
 * and, on request, the full gradients; every {@code telemetry.baselineEvery}-th event also the step's single-task
 * conflict baseline ({@link ConflictBaselineProbe}), measured at the step's parameters before its own passes. After
 * each epoch every task is evaluated on the validation and test splits.
 *
 * <p>Deterministic: the data come from the dataset's own seed; initialisation, the per-epoch shuffle and the
 * method's own randomness (RLW, PCGrad, GradVac, GradDrop) from the request's seed; on CPU the same request gives
 * identical losses. An STL run uses the same code path with one head, initialised exactly as that task's head in the
 * MTL runs of the same seed.
 *
 * <p><b>Checkpoints and resume.</b> Given a {@link Checkpoints} store, the trainer writes the run's checkpoint every
 * {@link Checkpoints#everySteps()} steps, after each epoch's evaluation and when cancelled, and starts a run whose
 * store holds a checkpoint of the same configuration from there: steps up to the checkpoint are skipped, and every
 * event after it (gradient telemetry, progress, evaluations) is emitted again, under the request's own attempt
 * number ({@code STARTED} too, once more) — a resumed run does not count as a new attempt, and the analysis counts
 * each {@code (run, step)} once. Initial metrics are recomputed from the seeded initialisation. On CPU, for methods
 * whose state the checkpoint holds (see {@link Checkpoints}), the resumed run's losses, telemetry and final metrics
 * equal those of an uninterrupted run bit for bit. Deleting the checkpoint once the outcome is durable is the
 * caller's job ({@link Checkpoints#delete}). A checkpoint that cannot be written is logged and training goes on.
 *
 * <p>One instance may train many runs, one after the other or concurrently (no state between calls; concurrent runs
 * must have distinct run ids).
 */
public final class MultiTaskTrainer {
    public static final String ENGINE = "PyTorch";
    /** The one telemetry block of a representation-space run. */
    public static final String REPRESENTATION_BLOCK = "representation";
    /** The model kinds this trainer builds ({@link KindNetworks}). */
    static final List<String> MODEL_KINDS = ModelKinds.names().stream().filter(KindNetworks.names()::contains).toList();
    private static final int EVAL_CHUNK = 1024;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Logger LOG = Logger.getLogger(MultiTaskTrainer.class.getName());

    private final Device device;
    private final NDManager parent;
    private final Checkpoints checkpoints;

    /** Trains on the CPU, in a base manager of its own per run. */
    public MultiTaskTrainer() {
        this(Device.cpu(), null);
    }

    /**
     * @param device where tensors live ({@code Device.cpu()} with the CPU native library)
     * @param parent manager under which each run opens (and closes) its own sub-manager; null for a fresh base
     *               manager per run
     */
    public MultiTaskTrainer(Device device, NDManager parent) {
        this(device, parent, null);
    }

    /**
     * @param device      where tensors live
     * @param parent      manager under which each run opens its own sub-manager; null for a fresh base manager
     * @param checkpoints where runs checkpoint and resume from; null for neither
     */
    public MultiTaskTrainer(Device device, NDManager parent, Checkpoints checkpoints) {
        this.device = Objects.requireNonNull(device, "device");
        this.parent = parent;
        this.checkpoints = checkpoints;
    }

    /** The checkpoint store, or null. */
    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /** The RunDescriptor's device name: {@code cpu}, or {@code gpu:0} etc. */
    public String deviceName() {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
    }

    /**
     * Trains the run to the end or until {@code cancelled} says stop (checked before every step), resuming from the
     * run's checkpoint when the trainer has a store holding one.
     *
     * @throws IllegalArgumentException for what this trainer cannot run (unknown method, model kind, optimizer,
     *                                  dataset kind, full gradients on too large a trunk), before any listener call;
     *                                  a missing engine also fails before {@link TrainingListener#started}
     * @throws IllegalStateException    if a task loss becomes non-finite (the run diverged)
     */
    public TrainingOutcome train(TrainingRequest request, TrainingListener listener, BooleanSupplier cancelled) {
        long startNanos = System.nanoTime();
        Objects.requireNonNull(request, "request");
        TrainingListener events = listener == null ? TrainingListener.NONE : listener;
        BooleanSupplier stop = cancelled == null ? () -> false : cancelled;
        Run run = prepare(request, device);
        try {
            return train(request, run, events, stop, startNanos);
        } finally {
            run.close();
        }
    }

    private TrainingOutcome train(TrainingRequest request, Run run, TrainingListener events, BooleanSupplier stop,
                                  long startNanos) {
        Checkpoints.Checkpoint resume = checkpoints == null ? null : checkpoints.load(request)
                .flatMap(c -> adopt(request, run, c)).orElse(null);

        long totalSteps = (long) run.stepsPerEpoch * request.epochs();
        long progressEvery = Math.max(1, totalSteps / 100);

        NDManager base = parent == null ? Engine.getEngine(ENGINE).newBaseManager(device) : null;
        try (NDManager runManager = parent == null ? base.newSubManager(device) : parent.newSubManager(device)) {
            events.started(totalSteps, descriptor(request, run));
            HostDeviceTraffic traffic = new HostDeviceTraffic();
            MultiTaskNetwork net = new MultiTaskNetwork(run.network, run.classification, traffic);
            net.scaleLosses(request.lossFactors()); // a loss-scale probe run: one task's loss times a constant
            DeviceModel model = new DeviceModel(runManager, net, run.params, traffic);
            List<RunEvent.Metric> initial = evaluate(model, run, runManager);
            int tasks = run.taskIndex.length;
            DeviceOptimizer optimizer = DeviceOptimizer.create(request.optimizer(), model.parameters(),
                    run.layout.sharedTensorCount(), tasks, runManager, traffic);
            if (resume != null) {
                optimizer.restore(resume.optimizer());
                model.load(resume.params());
                model.loadBuffers(resume.buffers());
            }
            List<RunEvent.Metric> last = resume == null ? List.of() : resume.lastMetrics();
            TrainingStep.LossCheck lossCheck = (step, losses) -> checkFinite(request, step, losses);
            TrainingStep telemetryStep = run.space == GradientEvent.Space.REPRESENTATION
                    ? new RepresentationSpaceStep(model, run.aggregation, run.fullGradients, lossCheck)
                    : new ParameterSpaceStep(model, run.aggregation, run.fullGradients, lossCheck);
            // a loss-weighting method needs no per-task gradients on a step without telemetry (AdaTask does)
            TrainingStep quietStep = run.space == GradientEvent.Space.PARAMETERS && run.aggregation.weighsLossesOnly()
                    && !optimizer.needsTaskGradients()
                    ? new PlainLossWeightedStep(model, run.aggregation, lossCheck) : telemetryStep;

            int d = run.layout.input();
            ConflictBaselineProbe probe = run.baselineSamples == 0 ? null : new ConflictBaselineProbe(tasks, d,
                    run.layout.sharedSize(), run.baselineSamples, Seeds.mix(request.seed(), Seeds.BASELINE));
            TaskData.Split train = run.dataset.train();
            float[] batchX = new float[request.batchSize() * d];
            float[][] batchY = new float[tasks][request.batchSize()];
            long step = resume == null ? 0 : resume.step();
            int epochsDone = resume == null ? 0 : resume.epochsDone();
            int firstEpoch = resume == null ? 1 : resume.epoch();
            int firstFrom = resume == null ? 0 : resume.from();
            long resumedFrom = step;
            long lastSaved = step;
            int every = checkpoints == null ? 0 : checkpoints.everySteps();
            long stepNanos = 0;
            long stepCpuNanos = 0;
            boolean stopped = false;
            HostDeviceTraffic beforeSteps = traffic.snapshot();
            for (int epoch = firstEpoch; epoch <= request.epochs() && !stopped; epoch++) {
                int[] order = Shuffle.permutation(train.size(),
                        Seeds.mix(Seeds.mix(request.seed(), Seeds.SHUFFLE), epoch));
                optimizer.setLearningRate(run.schedule.rate(optimizer.learningRate(), epoch));
                for (int from = epoch == firstEpoch ? firstFrom : 0; from < train.size(); from += request.batchSize()) {
                    if (stop.getAsBoolean()) {
                        stopped = true;
                        if (checkpoints != null && step > lastSaved) {
                            save(events, request, run, model, optimizer, step, epoch, from, epochsDone, last);
                        }
                        break;
                    }
                    long t0 = System.nanoTime();
                    long cpu0 = threadCpuNanos();
                    step++;
                    int rows = Math.min(request.batchSize(), train.size() - from);
                    for (int r = 0; r < rows; r++) {
                        int sample = order[from + r];
                        train.features(sample, batchX, r * d);
                        for (int t = 0; t < tasks; t++) {
                            batchY[t][r] = train.target(run.taskIndex[t], sample);
                        }
                    }
                    boolean telemetry = step % run.telemetryEvery == 0;
                    boolean baselineStep = telemetry && probe != null
                            && (step / run.telemetryEvery) % run.baselineEvery == 0;
                    GradientEvent event = null;
                    boolean gradMode = JniUtils.isGradMode();
                    JniUtils.setGradMode(true);
                    try (NDManager stepManager = runManager.newSubManager()) {
                        ConflictBaseline baseline = null;
                        if (baselineStep) {
                            // at the parameters the step's gradients are taken at, before its own passes
                            baseline = probe.measure(step, batchX, batchY, rows,
                                    model.taskSharedGradientsToHost(stepManager, batchX, batchY, rows),
                                    (x, y, n) -> model.taskSharedGradientsToHost(stepManager, x, y, n));
                        }
                        TrainingStep.Outcome outcome = (telemetry ? telemetryStep : quietStep).run(
                                new TrainingStep.Batch(stepManager, batchX, batchY, rows), epoch, step, telemetry);
                        if (telemetry) {
                            event = event(request, step, epoch, outcome);
                            event = baseline == null ? event : event.withBaseline(baseline);
                        }
                        optimizer.step(outcome.gradient(), outcome.taskSharedGradients(), stepManager);
                        model.zeroGradients();
                    } finally {
                        JniUtils.setGradMode(gradMode);
                    }
                    if (event != null) {
                        events.gradients(event);
                    }
                    run.aggregation.afterStep(() -> model.lossesNow(runManager, batchX, batchY, rows));
                    stepNanos += System.nanoTime() - t0;
                    stepCpuNanos += threadCpuNanos() - cpu0;
                    boolean epochEnd = from + rows >= train.size();
                    if (step % progressEvery == 0 || epochEnd) {
                        events.progress(step, totalSteps, epoch);
                    }
                    if (every > 0 && step % every == 0 && !epochEnd) {
                        save(events, request, run, model, optimizer, step, epoch, from + rows, epochsDone, last);
                        lastSaved = step;
                    }
                }
                if (!stopped) {
                    epochsDone = epoch;
                    last = evaluate(model, run, runManager);
                    events.evaluated(step, epoch, last);
                    if (checkpoints != null) {
                        save(events, request, run, model, optimizer, step, epoch + 1, 0, epochsDone, last);
                        lastSaved = step;
                    }
                }
            }
            if (!stopped && request.corruptions() != null) {
                last = CorruptionEvaluation.append(last, request.corruptions(), run.dataset,
                        (split, name) -> evaluate(model, run, runManager, split, name));
            }
            long wallMs = (System.nanoTime() - startNanos) / 1_000_000;
            long taken = step - resumedFrom;
            org.mtlab.core.contract.RunCost cost = stopped ? null : ServingCost.measure(model, runManager,
                    run.dataset.test(), run.dataset.dimension(), tasks, wallMs, deviceName());
            // evaluations, checkpoints and the serving cost fall between steps, under purposes of their own
            HostDeviceTraffic sinceSteps = traffic.since(beforeSteps);
            return new TrainingOutcome(last, initial, step, epochsDone, wallMs,
                    taken == 0 ? 0 : stepNanos / 1e3 / taken, taken == 0 ? 0 : stepCpuNanos / 1e3 / taken, stopped,
                    resumedFrom, cost, sinceSteps.without(HostDeviceTraffic.Purpose.EVALUATION,
                    HostDeviceTraffic.Purpose.CHECKPOINT), sinceSteps);
        } finally {
            if (base != null) {
                base.close();
            }
        }
    }

    /**
     * Takes a checkpoint's optimizer and method state into the run (its parameters are copied in after the initial
     * evaluation), or refuses one that does not fit the run (logged; the run starts over).
     */
    private static Optional<Checkpoints.Checkpoint> adopt(TrainingRequest request, Run run, Checkpoints.Checkpoint c) {
        try {
            if (c.params().length != run.params.length) {
                throw new IllegalArgumentException("it has " + c.params().length + " parameters, the model "
                        + run.params.length);
            }
            long buffers = run.network.bufferSize();
            if (c.buffers().length != buffers) {
                throw new IllegalArgumentException("it has " + c.buffers().length + " buffer values (batch-norm "
                        + "statistics), the model " + buffers);
            }
            boolean atEnd = c.epoch() == request.epochs() + 1 && c.from() == 0;
            if (c.step() < 0 || c.epoch() < 1 || c.epoch() > request.epochs() + 1 || c.from() < 0
                    || c.from() >= run.dataset.train().size() && !atEnd || c.epochsDone() > request.epochs()) {
                throw new IllegalArgumentException("its position (step " + c.step() + ", epoch " + c.epoch()
                        + ", sample " + c.from() + ") is outside the run");
            }
            // the optimizer's state is checked against the run's optimizer by name and buffer sizes (nothing allocated)
            Optimizers.checkState(request.optimizer(), run.layout.totalSize(), run.layout.sharedSize(),
                    request.tasks().size(), c.optimizer());
            Aggregation aggregation = Aggregation.forMethod(request.method(), request.tasks().size(),
                    Seeds.mix(request.seed(), Seeds.METHOD), request.optimizer());
            aggregation.restore(c.methodState());
            run.aggregation = aggregation;
            LOG.info("run " + request.runId() + " resumes from its checkpoint after step " + c.step());
            return Optional.of(c);
        } catch (IllegalArgumentException e) {
            LOG.warning("ignoring the checkpoint of run " + request.runId() + ": " + e.getMessage()
                    + "; the run starts over");
            return Optional.empty();
        }
    }

    /** Writes the run's checkpoint: the next step is the batch at {@code from} of {@code epoch}. */
    private void save(TrainingListener listener, TrainingRequest request, Run run, DeviceModel model,
                      DeviceOptimizer optimizer, long step, int epoch, int from, int epochsDone,
                      List<RunEvent.Metric> last) {
        try {
            // a resumed run does not send again what came before its checkpoint, so that must be delivered first
            listener.beforeCheckpoint();
            checkpoints.save(request.runId(), new Checkpoints.Checkpoint(Checkpoints.fingerprint(request), step, epoch,
                    from, epochsDone, model.parametersToHost(), optimizer.state(), run.aggregation.checkpointState(),
                    last, model.buffersToHost()));
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            LOG.warning("run " + request.runId() + ": checkpoint after step " + step + " not written ("
                    + e.getMessage() + "); training goes on");
        }
    }

    /** Everything a run needs, checked before anything is reported. */
    private static final class Run implements AutoCloseable {
        /**
         * The model kind's network and the manager of what it holds beyond the run's tensors (a TorchScript module's,
         * ResNet-18's), for the whole run.
         */
        KindNetwork network;
        NDManager networkManager;
        TaskData dataset;
        boolean[] classification;
        int[] taskIndex;
        MlpLayout layout;
        /** The seeded initial parameters, flat in the layout's order (uploaded once). */
        float[] params;
        /** The optimizer's name and base learning rate, checked when the run is prepared. */
        Optimizer optimizerSpec;
        StepDecay schedule;
        Aggregation aggregation;
        int stepsPerEpoch;
        int telemetryEvery;
        boolean fullGradients;
        int baselineSamples;
        int baselineEvery;
        GradientEvent.Space space;

        @Override
        public void close() {
            if (network != null) {
                network.close();
            }
            if (networkManager != null) {
                networkManager.close();
            }
        }
    }

    private static void checkFinite(TrainingRequest request, long step, float[] losses) {
        for (int t = 0; t < losses.length; t++) {
            if (!Float.isFinite(losses[t])) {
                throw new IllegalStateException("training diverged at step " + step + ": loss of task '"
                        + request.tasks().get(t) + "' is " + losses[t]);
            }
        }
    }

    private static Run prepare(TrainingRequest request, Device device) {
        if (request.tasks() == null || request.tasks().isEmpty() || request.datasetTasks() == null
                || !request.datasetTasks().containsAll(request.tasks())) {
            throw new IllegalArgumentException("tasks must be a non-empty subset of datasetTasks");
        }
        if (request.epochs() < 1 || request.batchSize() < 1) {
            throw new IllegalArgumentException("epochs and batchSize must be positive");
        }
        StudySpec.ModelSpec model = request.model();
        String modelKind = model == null || model.kind() == null ? null : model.kind().toLowerCase(Locale.ROOT);
        if (!MODEL_KINDS.contains(modelKind)) {
            throw new IllegalArgumentException("unsupported model kind '" + (model == null ? null : model.kind())
                    + "'; this trainer knows " + MODEL_KINDS);
        }
        Run run = new Run();
        try {
            fill(run, request, device, model, modelKind);
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    /** Builds the run's parts, checking each (a block trunk already built is closed by the caller on failure). */
    private static void fill(Run run, TrainingRequest request, Device device, StudySpec.ModelSpec model,
                             String modelKind) {
        run.aggregation = Aggregation.forMethod(request.method(), request.tasks().size(),
                Seeds.mix(request.seed(), Seeds.METHOD), request.optimizer());
        run.dataset = DatasetKinds.standard().load(request.datasetTasks(), request.dataset());
        run.taskIndex = request.tasks().stream().mapToInt(run.dataset::taskIndex).toArray();
        int[] headOutputs = new int[run.taskIndex.length];
        run.classification = new boolean[run.taskIndex.length];
        for (int t = 0; t < headOutputs.length; t++) {
            TaskData.Task task = run.dataset.tasks().get(run.taskIndex[t]);
            headOutputs[t] = task.outputs();
            run.classification[t] = task.isClassification();
        }
        DataShape shape = new DataShape(run.dataset.dimension(), run.dataset.imageShape());
        run.networkManager = Engine.getEngine(ENGINE).newBaseManager(device);
        run.network = KindNetworks.build(new KindNetworks.Build(ModelKinds.of(modelKind), model, shape, headOutputs,
                run.networkManager, request.seed()));
        run.layout = run.network.layout();
        run.params = new float[run.layout.totalSize()];
        run.layout.initialise(run.params, request.seed(), run.taskIndex);
        // checks the optimizer's name and rate now, before any listener call (its state lives on the device)
        run.optimizerSpec = Optimizers.create(request.optimizer(), 0, 0, request.tasks().size());
        if (run.optimizerSpec instanceof AdaTask && request.tasks().size() > 1
                && !"ew".equals(request.method().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("optimizer adatask sums per-task Adam directions: it runs with method ew, "
                    + "not '" + request.method() + "'");
        }
        run.schedule = StepDecay.of(request.optimizer());
        int n = run.dataset.train().size();
        run.stepsPerEpoch = (n + request.batchSize() - 1) / request.batchSize();
        StudySpec.TelemetrySpec telemetry = request.telemetry() == null ? StudySpec.TelemetrySpec.DEFAULT : request.telemetry();
        run.telemetryEvery = telemetry.everyStepsOrDefault();
        if (run.telemetryEvery < 1) {
            throw new IllegalArgumentException("telemetry.everySteps must be positive, got " + run.telemetryEvery);
        }
        run.fullGradients = telemetry.fullGradientsOrDefault();
        run.baselineSamples = telemetry.baselineSamplesOrDefault();
        run.baselineEvery = telemetry.baselineEveryOrDefault();
        if (run.baselineSamples != 0 && (run.baselineSamples < ConflictBaseline.MIN_SAMPLES
                || run.baselineSamples > ConflictBaseline.MAX_SAMPLES) || run.baselineEvery < 1) {
            throw new IllegalArgumentException("telemetry.baselineSamples must be 0 or lie in ["
                    + ConflictBaseline.MIN_SAMPLES + ", " + ConflictBaseline.MAX_SAMPLES + "] and telemetry.baselineEvery"
                    + " must be positive, got " + run.baselineSamples + " and " + run.baselineEvery);
        }
        run.space = telemetry.gradientSpaceOrDefault();
        if (run.space == GradientEvent.Space.REPRESENTATION) {
            String method = request.method();
            if (MethodRegistry.isKnown(method) && !MethodRegistry.describe(method).worksInRepresentationSpace()) {
                throw new IllegalArgumentException("method '" + request.method() + "' cannot run with "
                        + "telemetry.gradientSpace 'representation'");
            }
            if (run.optimizerSpec instanceof AdaTask) {
                throw new IllegalArgumentException("optimizer adatask needs per-task gradients of the shared "
                        + "parameters: it cannot run with telemetry.gradientSpace 'representation'");
            }
            long entries = (long) request.batchSize() * run.layout.shape(run.layout.headWeight(0))[1];
            if (run.fullGradients && entries > GradientEvent.MAX_FULL_GRADIENT_PARAMETERS) {
                throw new IllegalArgumentException("a representation gradient has " + entries + " entries; full "
                        + "gradients are limited to " + GradientEvent.MAX_FULL_GRADIENT_PARAMETERS);
            }
        } else if (run.fullGradients && run.layout.sharedSize() > GradientEvent.MAX_FULL_GRADIENT_PARAMETERS) {
            throw new IllegalArgumentException("the shared trunk has " + run.layout.sharedSize()
                    + " parameters; full gradients are limited to " + GradientEvent.MAX_FULL_GRADIENT_PARAMETERS);
        }
    }

    private RunEvent.RunDescriptor descriptor(TrainingRequest r, Run run) {
        return new RunEvent.RunDescriptor(r.kind(), List.copyOf(r.tasks()), run.optimizerSpec.name(),
                run.optimizerSpec.learningRate(), r.lossScale() == null ? r.method().toLowerCase(Locale.ROOT)
                : r.lossScale().tag(r.method().toLowerCase(Locale.ROOT)), r.seed(),
                run.space == GradientEvent.Space.REPRESENTATION ? List.of(REPRESENTATION_BLOCK) : run.layout.blockNames(),
                run.layout.sharedSize(), deviceName(), dataCounts(r, run));
    }

    /** Per split its samples, and per split and run task the samples carrying the task's label (counted once). */
    private static RunEvent.DataCounts dataCounts(TrainingRequest r, Run run) {
        java.util.Map<String, Integer> samples = new java.util.LinkedHashMap<>();
        java.util.Map<String, java.util.Map<String, Integer>> labelled = new java.util.LinkedHashMap<>();
        java.util.Map<String, TaskData.Split> splits = new java.util.LinkedHashMap<>();
        splits.put("train", run.dataset.train());
        splits.put("validation", run.dataset.validation());
        splits.put("test", run.dataset.test());
        splits.forEach((name, split) -> {
            samples.put(name, split.size());
            java.util.Map<String, Integer> perTask = new java.util.LinkedHashMap<>();
            for (int t = 0; t < run.taskIndex.length; t++) {
                perTask.put(r.tasks().get(t), split.labelled(run.taskIndex[t]));
            }
            labelled.put(name, perTask);
        });
        return new RunEvent.DataCounts(samples, labelled);
    }

    private static GradientEvent event(TrainingRequest r, long step, int epoch, TrainingStep.Outcome o) {
        float[][] full = o.fullGradients();
        return new GradientEvent(r.runId(), r.attempt(), step, epoch, o.losses().clone(), o.weights().clone(),
                o.grams(), full == null ? null : o.blockSizes(), full, null, o.space(), o.unlabelledTasks());
    }

    /**
     * Every run task on the test then the validation split (an empty split is skipped), accumulated in double: for a
     * classification task its accuracy (higher is better; the task's primary metric, listed first) then its
     * cross-entropy loss; for a regression task its MSE (primary), MAE and loss (the MSE it trains on).
     */
    private static List<RunEvent.Metric> evaluate(DeviceModel model, Run run, NDManager runManager) {
        List<RunEvent.Metric> metrics = new ArrayList<>();
        int tasks = run.taskIndex.length;
        int d = run.dataset.dimension();
        float[] x = new float[EVAL_CHUNK * d];
        float[][] outputs = new float[tasks][];
        for (int t = 0; t < tasks; t++) {
            outputs[t] = new float[EVAL_CHUNK * run.layout.headOutputs(t)];
        }
        for (String split : List.of("test", "validation")) {
            TaskData.Split data = "validation".equals(split) ? run.dataset.validation() : run.dataset.test();
            if (data.size() == 0) {
                continue;
            }
            evaluateSplit(model, run, runManager, data, split, x, outputs, metrics);
        }
        return List.copyOf(metrics);
    }

    /** Every run task on one split, named {@code split} in the metrics (a corrupted test split, for instance). */
    private static List<RunEvent.Metric> evaluate(DeviceModel model, Run run, NDManager runManager, TaskData.Split data,
                                                  String split) {
        List<RunEvent.Metric> metrics = new ArrayList<>();
        int tasks = run.taskIndex.length;
        float[] x = new float[EVAL_CHUNK * run.dataset.dimension()];
        float[][] outputs = new float[tasks][];
        for (int t = 0; t < tasks; t++) {
            outputs[t] = new float[EVAL_CHUNK * run.layout.headOutputs(t)];
        }
        evaluateSplit(model, run, runManager, data, split, x, outputs, metrics);
        return metrics;
    }

    private static void evaluateSplit(DeviceModel model, Run run, NDManager runManager, TaskData.Split data,
                                      String split, float[] x, float[][] outputs, List<RunEvent.Metric> metrics) {
        int tasks = run.taskIndex.length;
        int d = run.dataset.dimension();
        {
            TaskMetrics[] sums = new TaskMetrics[tasks];
            for (int t = 0; t < tasks; t++) {
                sums[t] = new TaskMetrics(run.layout.headOutputs(t), run.classification[t]);
            }
            for (int from = 0; from < data.size(); from += EVAL_CHUNK) {
                int rows = Math.min(EVAL_CHUNK, data.size() - from);
                for (int r = 0; r < rows; r++) {
                    data.features(from + r, x, r * d);
                }
                model.predict(runManager, x, 0, rows, outputs);
                for (int t = 0; t < tasks; t++) {
                    for (int r = 0; r < rows; r++) {
                        sums[t].add(outputs[t], r, data.target(run.taskIndex[t], from + r));
                    }
                }
            }
            for (int t = 0; t < tasks; t++) {
                String task = run.dataset.tasks().get(run.taskIndex[t]).name();
                sums[t].report(task, split, metrics);
            }
        }
    }

    private static long threadCpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
