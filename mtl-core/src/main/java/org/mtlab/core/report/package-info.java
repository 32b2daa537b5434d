/**
 * The study report a team can decide from: STL baselines, MTL configurations (optimizer × method) with their seed
 * spread, Δm in both conventions, the Pareto front over configuration means with its hypervolume, gradient-conflict
 * evidence, and a verdict in plain sentences, each with the numbers and the rule behind it. Plain Java; the
 * renderers ({@link org.mtlab.core.report.MarkdownReport}, {@link org.mtlab.core.report.HtmlReport}) need nothing
 * beyond the JDK.
 */
package org.mtlab.core.report;
