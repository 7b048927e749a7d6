"""Files and reports: exports, PDFs, charts, uploads, termly and scheduled reports, digests."""
