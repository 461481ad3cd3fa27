process ONCOPRINT {
    label 'process_medium'

    input:
    path samplesheet
    path cohort_tables

    output:
    path "oncoprint.{png,svg,pdf}", emit: plots
    path "versions.yml"           , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    lenall oncoprint \\
        --cohort-dir . \\
        --samplesheet ${samplesheet} \\
        --outdir . \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch oncoprint.png oncoprint.svg oncoprint.pdf
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
