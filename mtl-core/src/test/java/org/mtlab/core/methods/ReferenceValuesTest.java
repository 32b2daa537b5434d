package org.mtlab.core.methods;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * Reference values for one fixed 3-task problem, computed outside this code base: numpy/scipy transcriptions of
 * LibMTL's weighting code (scipy's SLSQP / L-BFGS-B / least_squares where LibMTL uses scipy, quadprog or cvxpy),
 * without LibMTL's 1e-8 guards. Iterative references are good to about 1e-7, closed forms to rounding.
 */
class ReferenceValuesTest {
    private static final double[][] J = {
            {1.0, -0.5, 0.3, 2.0},
            {-0.8, 1.2, 0.5, -0.4},
            {0.2, 0.3, -1.5, 0.6}};

    private static MethodResult run(MtlMethod method) {
        return method.apply(StepInput.ofGradients(0, 0, new double[] {0.9, 1.7, 0.4}, J));
    }

    @Test
    void mgda() {
        MethodResult r = run(new MGDA());
        assertArrayEquals(new double[] {0.247581662987706, 0.493633549491053, 0.258784787521241}, r.weights(), 1e-6);
        assertArrayEquals(new double[] {-0.095568219100888, 0.546204864151783, -0.067085907640023, 0.452980778691736},
                r.combinedGradient(), 1e-6);
    }

    @Test
    void cagrad() {
        MethodResult r = run(new CAGrad());
        assertArrayEquals(new double[] {0.266666666666667, 0.481925712792182, 0.266666666666667}, r.weights(), 1e-6);
        assertArrayEquals(new double[] {-0.065540570233745, 0.524977522017285, -0.079037143603909, 0.500563048216461},
                r.combinedGradient(), 1e-6);
    }

    @Test
    void imtlG() {
        MethodResult r = run(new IMTL_G());
        assertArrayEquals(new double[] {0.277645126630077, 0.487331723472933, 0.235023149896989}, r.weights(), 1e-12);
        assertArrayEquals(new double[] {-0.065215622168871, 0.516482449821578, -0.025575325119994, 0.501371453809175},
                r.combinedGradient(), 1e-12);
    }

    @Test
    void alignedMtl() {
        MethodResult r = run(new AlignedMTL());
        assertArrayEquals(new double[] {0.739003780237248, 1.181475912930171, 0.789661469575292}, r.weights(), 1e-12);
        assertArrayEquals(new double[] {-0.048244656191831, 1.285167646270169, -0.372053113826677, 1.479214077047602},
                r.combinedGradient(), 1e-12);
    }

    @Test
    void upgradAndDualProjWithTorchJdDefaults() {
        assertArrayEquals(new double[] {0.452074199461733, 0.713359429350673, 0.394747831487078},
                run(new UPGrad()).weights(), 1e-7);
        assertArrayEquals(new double[] {0.333333333333333, 0.38002609601734, 0.333333333333333},
                run(new DualProj()).weights(), 1e-7);
    }

    @Test
    void fairGradAndNashMtl() {
        double[] proportionalFair = {0.620201939257198, 1.092341919318903, 0.67475079946314};
        assertArrayEquals(proportionalFair, run(new FairGrad()).weights(), 1e-9);
        assertArrayEquals(new double[] {0.561022497745331, 1.046862047441474, 0.60661870459929},
                run(new FairGrad(2.0)).weights(), 1e-9);
        // Nash bargaining is the α = 1 fair allocation; unclipped, Nash-MTL's weights are the same
        assertArrayEquals(proportionalFair, run(new NashMTL(0, 1)).weights(), 1e-9);
    }

    @Test
    void pcgradFixedOrder() {
        assertArrayEquals(new double[] {-0.09330766846604, 2.229597632719017, -0.278902833510702, 2.617306361507706},
                run(PCGrad.fixedOrder()).combinedGradient(), 1e-12);
    }

    @Test
    void gradNormLogitGradient() {
        GradNorm method = new GradNorm();
        method.apply(StepInput.ofGradients(0, 0, new double[] {1.2, 2.0, 0.5}, J)); // epoch-0 means L(0)
        method.apply(StepInput.ofGradients(1, 1, new double[] {0.9, 1.7, 0.4}, J));
        assertArrayEquals(new double[] {2.61831864190043, -1.2704987462086592, -1.347819897912217},
                method.learnableParameters().orElseThrow().gradient(), 1e-6);
    }
}
