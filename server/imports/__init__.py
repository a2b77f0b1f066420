"""The daily order import: .xlsx/.csv files through a configured field mapping into the order hub."""
