"""The question bank: categories, question types, versions, import and export formats."""
