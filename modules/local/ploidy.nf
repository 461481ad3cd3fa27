process PLOIDY {
    tag "${meta.sample}"
    label 'process_single'

    input:
    tuple val(meta), path(segments)

    output:
    tuple val(meta), path("${meta.sample}.ploidy.json")                          , emit: json
    tuple val(meta), path("${meta.sample}.genome.{png,svg}")                     , emit: plots
    path "versions.yml"                                                           , emit: versions

    script:
    def sex = meta.sex ? "--sex ${meta.sex}" : ''
    def purity = meta.purity ? "--purity ${meta.purity}" : ''
    def args = task.ext.args ?: ''
    """
    lenall ploidy \\
        --sample ${meta.sample} \\
        --segments ${segments} \\
        --outdir . \\
        --genome ${params.genome} \\
        ${sex} \\
        ${purity} \\
        ${args}

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        lenall: \$(lenall --version | sed 's/^lenall, version //')
    END_VERSIONS
    """

    stub:
    """
    touch ${meta.sample}.ploidy.json ${meta.sample}.genome.png ${meta.sample}.genome.svg
    echo '"${task.process}": {lenall: stub}' > versions.yml
    """
}
