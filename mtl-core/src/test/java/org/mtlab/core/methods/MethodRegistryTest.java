package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MethodRegistryTest {
    private static final List<String> EXPECTED = List.of("EW", "UW", "DWA", "RLW", "GLS", "GradNorm", "IMTL-L", "FAMO",
            "STCH", "MGDA", "PCGrad", "GradVac", "CAGrad", "IMTL-G", "Nash-MTL", "Aligned-MTL", "UPGrad", "DualProj",
            "DB-MTL", "FairGrad", "GradDrop", "MoCo", "SDMGrad", "MoDo", "ExcessMTL", "ConFIG", "SI", "CR-MOGM");

    @Test
    void listsEveryMethodWithCitationAndDefaults() {
        assertEquals(EXPECTED, MethodRegistry.names());
        for (MethodInfo info : MethodRegistry.list()) {
            assertFalse(info.citation().isBlank(), info.name());
            assertEquals(info.name(), MethodRegistry.create(info.name()).info().name());
        }
        assertEquals(0.5, MethodRegistry.describe("CAGrad").parameters().get("c"));
        assertEquals(1.5, MethodRegistry.describe("GradNorm").parameters().get("alpha"));
        assertEquals(2.0, MethodRegistry.describe("DWA").parameters().get("T"));
        assertEquals(0.9, MethodRegistry.describe("DB-MTL").parameters().get("beta"));
        assertEquals(0.025, MethodRegistry.describe("FAMO").parameters().get("learningRate"));
        assertEquals(4.0, MethodRegistry.describe("STCH").parameters().get("warmupEpochs"));
        assertEquals(1e-4, MethodRegistry.describe("UPGrad").parameters().get("regularisationEpsilon"));
    }

    @Test
    void lookupIgnoresCaseAndSeparators() {
        assertInstanceOf(NashMTL.class, MethodRegistry.create("nash_mtl"));
        assertInstanceOf(NashMTL.class, MethodRegistry.create("NASH-MTL"));
        assertInstanceOf(PCGrad.class, MethodRegistry.create("pcgrad"));
        assertInstanceOf(IMTL_G.class, MethodRegistry.create("imtl-g"));
        assertEquals(MethodKind.LOSS_WEIGHTING, MethodRegistry.describe("uw").kind());
    }

    @Test
    void oneCanonicalNamePerMethodWhateverTheSpelling() {
        for (String name : MethodRegistry.names()) {
            for (String spelling : List.of(name, name.toLowerCase(java.util.Locale.ROOT),
                    name.toUpperCase(java.util.Locale.ROOT), name.replace('-', '_'), name.replace("-", ""),
                    " " + name + " ")) {
                assertEquals(name, MethodRegistry.canonicalName(spelling), spelling);
                assertEquals(name, MethodRegistry.describe(spelling).name(), spelling);
                assertEquals(name, MethodRegistry.create(spelling).info().name(), spelling);
            }
        }
        assertEquals("CR-MOGM:UPGrad", MethodRegistry.canonicalName("cr_mogm:upgrad"));
        assertEquals("CR-MOGM:Nash-MTL", MethodRegistry.canonicalName("CRMOGM:nash_mtl"));
        assertEquals("CR-MOGM", MethodRegistry.canonicalName("cr-mogm:mgda"), "MGDA is the default inner method");
        assertEquals("CR-MOGM:Nash-MTL", MethodRegistry.create("cr_mogm:NASH-MTL").info().name());
        assertEquals(List.of("smoothing", "maxNorm", "updateWeightsEvery"),
                List.copyOf(MethodRegistry.describe("cr_mogm:nash_mtl").parameters().keySet()));
        for (String refused : List.of("cr_mogm:ew", "cr_mogm:db_mtl", "cr_mogm:cr_mogm", "mgda:upgrad", "cr_mogm:",
                "nash mtl", "")) {
            assertFalse(MethodRegistry.isKnown(refused), refused);
            assertThrows(IllegalArgumentException.class, () -> MethodRegistry.canonicalName(refused), refused);
            assertThrows(IllegalArgumentException.class, () -> MethodRegistry.create(refused), refused);
        }
        assertFalse(MethodRegistry.isKnown(null));
        IllegalArgumentException innerParameter = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.create("cr_mogm:cagrad", Map.of("alpha", 1.0), 0));
        assertTrue(innerParameter.getMessage().contains("rescale"), innerParameter.getMessage());
    }

    /** Each step of {@code steps} applied to {@code method} in turn: the last step's weights and combined gradient. */
    private static double[] lastWeights(MtlMethod method, List<StepInput> steps) {
        double[] weights = null;
        for (StepInput step : steps) {
            MethodResult result = method.apply(step);
            weights = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(result.weights()),
                    java.util.Arrays.stream(result.combinedGradient())).toArray();
            if (method.needsLossesAfterStep()) {
                method.afterStep(Vec.scale(step.losses(), 0.9));
            }
        }
        return weights;
    }

    private static List<StepInput> randomSteps(long seed, int count, int tasks, int dims) {
        Random random = new Random(seed);
        List<StepInput> steps = new java.util.ArrayList<>();
        for (int k = 0; k < count; k++) {
            double[] losses = new double[tasks];
            for (int t = 0; t < tasks; t++) {
                losses[t] = 0.2 + random.nextDouble();
            }
            steps.add(StepInput.ofGradients(k / 3, k, losses, Vec.randomGradients(random, tasks, dims)));
        }
        return steps;
    }

    /**
     * The declared properties hold: a method that declares neither STATEFUL nor SEEDED answers a step the same
     * whatever came before; SEEDED ⇔ two seeds give different weights; PARAMETER_SPACE_ONLY ⇔ a step with other
     * coordinates is refused (and only full-gradient methods can keep vectors); the seed is a parameter of exactly the
     * seeded methods.
     */
    @Test
    void declaredPropertiesMatchWhatTheMethodsDo() {
        List<StepInput> history = randomSteps(9, 10, 4, 12);
        List<StepInput> lastOnly = List.of(history.get(history.size() - 1));
        for (String name : MethodRegistry.names()) {
            MethodInfo info = MethodRegistry.describe(name);
            double[] afterHistory = lastWeights(MethodRegistry.create(name, Map.of(), 5), history);
            if (!info.keepsState() && !info.seeded()) {
                assertArrayEquals(lastWeights(MethodRegistry.create(name, Map.of(), 5), lastOnly), afterHistory, 0.0,
                        name + " declares no state");
            }
            boolean seedMatters = !java.util.Arrays.equals(afterHistory,
                    lastWeights(MethodRegistry.create(name, Map.of(), 6), history));
            assertEquals(info.seeded(), seedMatters, name + " seeded");
            assertEquals(info.seeded(), info.parameters().containsKey("seed"), name + " takes a seed");
            if (!info.worksInRepresentationSpace()) {
                assertTrue(info.needsFullGradients(), name);
            }
            MtlMethod method = MethodRegistry.create(name);
            method.apply(randomSteps(1, 1, 3, 4).get(0));
            StepInput otherCoordinates = randomSteps(2, 1, 3, 7).get(0);
            if (info.worksInRepresentationSpace()) {
                method.apply(otherCoordinates);
            } else {
                assertThrows(IllegalArgumentException.class, () -> method.apply(otherCoordinates), name);
            }
            assertEquals(info.needsTaskGradients(), info.kind() != MethodKind.LOSS_WEIGHTING
                    || info.inputs().contains(MethodInput.GRADIENTS), name);
        }
        assertFalse(PCGrad.fixedOrder().info().seeded());
        assertEquals(java.util.Set.of(MethodProperty.STATEFUL, MethodProperty.PARAMETER_SPACE_ONLY),
                MethodRegistry.describe("db_mtl").properties());
    }

    @Test
    void unknownNamesAndParametersFailListingValidOnes() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.create("GradSurgery"));
        assertTrue(error.getMessage().contains("PCGrad") && error.getMessage().contains("MGDA"), error.getMessage());
        IllegalArgumentException parameter = assertThrows(IllegalArgumentException.class,
                () -> MethodRegistry.create("CAGrad", Map.of("alpha", 0.4), 0));
        assertTrue(parameter.getMessage().contains("rescale"), parameter.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MethodRegistry.create("CAGrad", Map.of("rescale", 1.5), 0));
    }

    @Test
    void overridesReachTheMethod() {
        double[][] g = {{1, 0}, {-0.5, 1}};
        MtlMethod plain = MethodRegistry.create("CAGrad", Map.of("c", 0.0), 0);
        assertArrayEquals(Vec.mean(g), plain.apply(StepInput.ofGradients(0, 0, null, g)).combinedGradient(), 1e-12);
        MtlMethod fixed = MethodRegistry.create("PCGrad", Map.of("randomOrder", 0.0), 0);
        assertEquals(0.0, fixed.info().parameters().get("randomOrder"));
    }

    /** Every method, on random and degenerate gradients, over several steps and epochs: finite results. */
    @Property(tries = 60)
    void everyMethodGivesFiniteResultsOnAwkwardInputs(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int tasks,
                                                      @ForAll @IntRange(min = 1, max = 6) int dims) {
        Random random = new Random(seed);
        for (String name : MethodRegistry.names()) {
            MtlMethod method = MethodRegistry.create(name, Map.of(), seed);
            for (int step = 0; step < 8; step++) {
                double[][] g = Vec.awkwardGradients(random, tasks, dims);
                double[] losses = new double[tasks];
                for (int t = 0; t < tasks; t++) {
                    losses[t] = 0.01 + random.nextDouble() * 3;
                }
                MethodResult result = method.apply(StepInput.ofGradients(step, step, losses, g));
                assertEquals(tasks, result.weights().length);
                assertTrue(Vec.allFinite(result.weights()), name + " weights " + java.util.Arrays.toString(
                        result.weights()));
                assertTrue(result.hasCombinedGradient() && Vec.allFinite(result.combinedGradient()), name);
                method.learnableParameters().ifPresent(p -> assertTrue(Vec.allFinite(p.gradient()), name));
                if (method.needsLossesAfterStep()) {
                    method.afterStep(Vec.scale(losses, 0.9));
                }
            }
        }
    }

    @Test
    void singleTaskAndIdenticalOrOppositeGradients() {
        for (String name : MethodRegistry.names()) {
            for (double[][] g : new double[][][] {{{3, 4}}, {{1, 2}, {1, 2}}, {{1, 2}, {-1, -2}}, {{0, 0}, {0, 0}}}) {
                MtlMethod method = MethodRegistry.create(name);
                double[] losses = Vec.scale(new double[g.length], 0);
                java.util.Arrays.fill(losses, 0.7);
                MethodResult result = method.apply(StepInput.ofGradients(0, 0, losses, g));
                assertTrue(Vec.allFinite(result.weights()) && Vec.allFinite(result.combinedGradient()), name);
            }
        }
        // with opposite gradients, the Pareto-stationary methods return a zero update
        for (String name : List.of("MGDA", "UPGrad", "DualProj", "CAGrad", "Nash-MTL")) {
            double[] d = MethodRegistry.create(name).apply(StepInput.ofGradients(0, 0, null,
                    new double[][] {{1, 2}, {-1, -2}})).combinedGradient();
            assertEquals(0.0, Vec.norm(d), 1e-6, name);
        }
    }
}
