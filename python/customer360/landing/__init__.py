"""Landing: the files a company exports, checked against the raw-data contract before a build reads them."""
