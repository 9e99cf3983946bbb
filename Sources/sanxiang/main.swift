import SanxiangCLI

// All the work lives in SanxiangCLI; this only hands over the process.
SanxiangEntry.main()
