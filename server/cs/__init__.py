"""Customer service desk: order lookup by any key, chat replies, delay coupons."""
