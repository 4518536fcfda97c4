#!/bin/sh
# Three commits in the repository in the current directory (made by setup), each printing "ack N"
# once `git commit` has returned.
set -e
for i in 1 2 3; do
  echo "line $i" >> file.txt
  git add file.txt
  git commit -q -m "commit $i"
  echo "ack $i"
done
