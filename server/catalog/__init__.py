"""Reference data: warehouses, channels, shops, stations, products and their barcodes, promotion rules."""
