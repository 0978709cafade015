from schemalens.lsp.server import main

main()
