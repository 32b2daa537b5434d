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
            "DB-MTL", "FairGrad", "GradDrop");

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
