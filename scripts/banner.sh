#!/bin/sh
# banner.sh LISTEN — what `make run` prints before the server starts.
cat <<MSG

  sijill is starting on http://$1/

  Demo logins (password: demo-password)
    demo-admin     national administrator
    demo-opj       OPJ, arrondissement A
    demo-officer   officer, arrondissement A
    demo-officer2  officer, arrondissement B
    demo-analyst   national analyst (read-only)
    demo-auditor   auditor

MSG
