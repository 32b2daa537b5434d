package org.mtlab.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mtlab.core.contract.Json;

/** What one dashboard event carries of a run's gradient statistics: each pair's running means and its baseline band. */
class DashboardPointTest {
    static final Views.RunView RUN = new Views.RunView(UUID.randomUUID(), UUID.randomUUID(), "mtl/adam/ew/seed=1", "MTL",
            List.of("a", "b", "c"), "adam", 0.01, "ew", 1, "RUNNING", 40, 100, 0.4, 1, 1, null, null, null, null);

    static JsonNode answer(String baselineBands) {
        return Json.read("""
                {"statistics":{"analysedSteps":40,"lastStep":39,"pairs":[
                  {"taskA":"a","taskB":"b","cosine":{"mean":0.25,"ema":0.5},"magnitudeSimilarity":{"mean":0.9}},
                  {"taskA":"a","taskB":"c","cosine":{"mean":-0.1,"ema":"NaN"},"magnitudeSimilarity":{"mean":0.7}}]},
                 "baselineBands":%s}""".formatted(baselineBands), JsonNode.class);
    }

    @Test
    void eachPairCarriesItsOwnBand() {
        DashboardEvents.RunPoint p = DashboardEvents.point(RUN, answer("""
                [{"taskA":"a","taskB":"c","epochs":[{"epoch":1,"firstStep":0,"lastStep":19,"cosineLow":-0.4,"cosineHigh":0.8}]},
                 {"taskA":"a","taskB":"b","epochs":[{"epoch":1,"firstStep":0,"lastStep":19,"cosineLow":-0.2,"cosineHigh":0.6},
                                                    {"epoch":2,"firstStep":20,"lastStep":39,"cosineLow":-0.3,"cosineHigh":0.7}]}]"""));
        assertEquals(39, p.step());
        DashboardEvents.PairPoint ab = p.pairs().get(0);
        assertEquals(List.of("a", "b", 0.25, 0.5, 0.9), List.of(ab.taskA(), ab.taskB(), ab.cosineMean(), ab.cosineEma(),
                ab.magnitudeMean()));
        assertEquals(2, ab.baseline().size());
        assertEquals(-0.3, ab.baseline().get(1).path("cosineLow").asDouble());
        DashboardEvents.PairPoint ac = p.pairs().get(1);
        assertNull(ac.cosineEma(), "a non-finite figure is left out");
        assertEquals(1, ac.baseline().size());
        assertEquals(0.8, ac.baseline().get(0).path("cosineHigh").asDouble());
    }

    @Test
    void aRunWithoutBaselineHasEmptyBands() {
        DashboardEvents.RunPoint p = DashboardEvents.point(RUN, answer("[]"));
        assertEquals(0, p.pairs().get(0).baseline().size());
        assertEquals(0, p.pairs().get(1).baseline().size());
    }
}
