from schemalens.cli import main

main()
