// The `writeback` command. Commands are added by the CLI issue; until then it prints its version.
Console.WriteLine(typeof(Program).Assembly.GetName().Version);
return 0;
