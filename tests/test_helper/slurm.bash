# slurm.bash: a real one-node Slurm cluster for a test, from Debian's
# packages (munge, slurmctld, slurmd), with no systemd: the daemons run as
# the test's own processes, with their state, spool, logs and pid files in
# the test's folder, and are ended by those pids.
#   start_slurm DIR   starts it (1, with the reason in $SLURM_WHY, if it
#                     cannot run here); exports SLURM_CONF
#   stop_slurm DIR    ends the daemons it started
#   wait_slurm SECS   until the queue is empty (1 on time-out)

# shellcheck disable=SC2034 # SLURM_WHY is read by the test that calls this
start_slurm() {
	local d=$1 mem
	SLURM_WHY=""
	for c in munged slurmctld slurmd sbatch squeue; do
		command -v "$c" > /dev/null || { SLURM_WHY="$c is not installed"; return 1; }
	done
	mkdir -p "$d/state" "$d/spool"
	if ! munge -n 2>/dev/null | unmunge > /dev/null 2>&1; then
		mkdir -p /run/munge && chown munge:munge /run/munge
		[ -s /etc/munge/munge.key ] || { SLURM_WHY="no /etc/munge/munge.key"; return 1; }
		runuser -u munge -- munged --force --pid-file=/run/munge/munged.pid.pxrtest \
			2>"$d/munged.err" || { SLURM_WHY="munged: $(cat "$d/munged.err")"; return 1; }
		echo started > "$d/munged.ours"
	fi
	mem=$(awk '/MemTotal/ { print int($2 / 1024) - 512 }' /proc/meminfo)
	cat > "$d/slurm.conf" <<-CFG
	ClusterName=pxrtest
	SlurmctldHost=localhost
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/munge
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	JobAcctGatherType=jobacct_gather/none
	SelectType=select/cons_tres
	SelectTypeParameters=CR_Core
	ReturnToService=2
	MpiDefault=none
	StateSaveLocation=$d/state
	SlurmdSpoolDir=$d/spool
	SlurmctldPidFile=$d/slurmctld.pid
	SlurmdPidFile=$d/slurmd.pid
	SlurmctldLogFile=$d/slurmctld.log
	SlurmdLogFile=$d/slurmd.log
	SchedulerParameters=sched_interval=1
	NodeName=localhost CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
	PartitionName=pxr Nodes=localhost Default=YES MaxTime=INFINITE State=UP
	CFG
	export SLURM_CONF=$d/slurm.conf
	slurmctld 2>>"$d/slurmctld.err" || { SLURM_WHY="slurmctld: $(tail -1 "$d/slurmctld.log" 2>/dev/null)"; return 1; }
	slurmd 2>>"$d/slurmd.err" || { SLURM_WHY="slurmd: $(tail -1 "$d/slurmd.log" 2>/dev/null)"; return 1; }
	for _ in $(seq 60); do
		sinfo -h -o %t 2>/dev/null | grep -q idle && return 0
		sleep 0.5
	done
	SLURM_WHY="the node did not come up idle: $(tail -2 "$d/slurmctld.log")"
	return 1
}

stop_slurm() {
	local d=$1 f
	for f in "$d/slurmd.pid" "$d/slurmctld.pid"; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	if [ -f "$d/munged.ours" ] && [ -s /run/munge/munged.pid.pxrtest ]; then
		kill "$(cat /run/munge/munged.pid.pxrtest)" 2>/dev/null
	fi
	true
}

wait_slurm() {
	for _ in $(seq $(($1 * 2))); do
		[ -z "$(squeue -h 2>/dev/null)" ] && return 0
		sleep 0.5
	done
	return 1
}
