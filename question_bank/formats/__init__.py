"""Import and export formats of the question bank. Each module parses a file into
``ParsedQuestion``s and problems with their line (or row) numbers, and writes questions back."""
