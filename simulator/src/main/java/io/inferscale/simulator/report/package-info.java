/**
 * {@link io.inferscale.simulator.report.HtmlReport}: one self-contained XHTML page (inline SVG, no script, no network)
 * comparing simulation results of one spec on several backends; the tuner's report reuses its page frame.
 */
package io.inferscale.simulator.report;
