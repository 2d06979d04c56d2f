#!/usr/bin/env node
// `modelwatch-report <reference> <current>`: the HTML report from log files (see --help).
import { runReportCommand } from '../report/report-command.js';

process.exitCode = await runReportCommand(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
