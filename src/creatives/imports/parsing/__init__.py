"""Cell, date and table parsing shared by every platform importer."""
