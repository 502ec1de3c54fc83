"""The page's CSS (Gradio loads it once at launch)."""

PAGE_CSS = """
.gq-answer { font-size: 15px; line-height: 1.55; min-width: min(600px, 44vw); max-width: 100%; }
.gq-answer p { margin: 2px 0; }
.gq-answer ul { margin: 2px 0 2px 1.2em; }
.gq-status { font-size: 13px; font-weight: 700; color: #15803d; }
.gq-not-found, .gq-ambiguous, .gq-error { border-left: 4px solid; padding-left: 10px; }
.gq-not-found { border-color: #f59e0b; } .gq-not-found .gq-status { color: #b45309; }
.gq-ambiguous { border-color: #3b82f6; } .gq-ambiguous .gq-status { color: #1d4ed8; }
.gq-error { border-color: #dc2626; } .gq-error .gq-status { color: #b91c1c; }
.gq-help { border-left: 4px solid #8b5cf6; padding-left: 10px; } .gq-help .gq-status { color: #6d28d9; }
.gq-value { font-size: 34px; font-weight: 700; line-height: 1.15; margin: 4px 0; }
.gq-value span { font-size: 16px; font-weight: 600; margin-left: 4px; opacity: .7; }
.gq-ref, .gq-num { display: inline-block; min-width: 1.5em; padding: 0 4px; border-radius: 4px; text-align: center;
  background: #dbeafe; color: #1e3a8a; font-size: 12px; font-weight: 700; line-height: 1.6; margin: 0 2px; }
.gq-num { font-size: 13px; margin: 0 8px 0 0; }
.gq-sources-title { margin: 12px 0 4px; font-size: 12px; font-weight: 700; color: #6b7280; }
details.gq-card { border: 1px solid #d1d5db; border-radius: 8px; padding: 6px 12px; margin: 5px 0;
  background: #f9fafb; color: #111827; }
details.gq-card > summary { cursor: pointer; list-style: none; }
details.gq-card > summary::-webkit-details-marker { display: none; }
.gq-src { font-size: 14px; }
.gq-cell { margin: 2px 0 0 2.3em; font-size: 15px; }
.gq-val { font-size: 18px; color: #047857; }
.gq-tag { font-size: 11px; background: #e5e7eb; color: #374151; border-radius: 3px; padding: 0 4px; margin-right: 6px; }
.gq-quote { margin: 2px 0 0 2.3em; color: #1f2937; }
.gq-open { float: right; margin-left: 12px; font-size: 12px; color: #2563eb; }
.gq-open::before { content: attr(data-open); }
details[open] > summary .gq-open::before { content: attr(data-close); }
details[open] > summary .gq-open { color: #6b7280; }
mark { background: #fde047; color: inherit; padding: 0 1px; border-radius: 2px; }
.gq-context { margin-top: 8px; border-top: 1px dashed #d1d5db; padding-top: 6px; }
.gq-ctx-label { font-size: 12px; color: #6b7280; margin: 6px 0 2px; }
.gq-section-text { max-height: 260px; overflow-y: auto; background: #fff; color: #111827; border: 1px solid #e5e7eb;
  border-radius: 6px; padding: 8px 10px; font-size: 14px; }
.gq-row-wrap { overflow-x: auto; }
details.gq-more > summary { cursor: pointer; font-size: 12px; color: #2563eb; margin-top: 6px; }
table.gq-row { border-collapse: collapse; font-size: 13px; background: #fff; color: #111827; margin: 0; }
table.gq-row th, table.gq-row td { border: 1px solid #d1d5db; padding: 2px 8px; text-align: center; }
table.gq-row th { font-weight: 600; background: #f3f4f6; }
table.gq-row .gq-cited { background: #bbf7d0; font-weight: 700; }
.gq-report h3 { margin: 0 0 4px; }
.gq-report-meta { color: #4b5563; margin: 2px 0; }
.gq-checks-title { font-weight: 700; margin-top: 8px; }
ul.gq-checks, ul.gq-warnings { margin: 2px 0 6px 1.2em; }
.gq-fail { color: #b91c1c; background: #fee2e2; border-radius: 4px; padding: 0 4px; }
.gq-pass { color: #15803d; } .gq-unknown { color: #b45309; }
details.gq-section { border: 1px solid #e5e7eb; border-radius: 6px; padding: 6px 10px; margin: 4px 0; }
details.gq-section > summary { cursor: pointer; font-weight: 600; }
.gq-sub { font-weight: 400; color: #6b7280; font-size: 13px; }
.gq-note { font-size: 13px; color: #b45309; margin: 4px 0 0; }
#gq-status { padding: 6px 10px; border-radius: 6px; background: var(--block-background-fill); }
#gq-reports td, #gq-facts td { overflow-wrap: anywhere; }
#gq-reports th, #gq-facts th { word-break: keep-all; overflow-wrap: normal; }
#gq-new-chat { font-size: 13px; }
"""
