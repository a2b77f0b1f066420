"""Shipping: the packages an order leaves in (boxes, warehouses, gift parcel), their waybills and weights,
the dock handover to the courier (the last interception gate), manifests and shipment confirmations."""
